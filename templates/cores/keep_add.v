// keep_add: an unsigned adder kept as its own level of hierarchy.
//
// What it computes: sum_o = (a_i + b_i) mod 2**SumW.
//
// Why a module of its own: Yosys' alumacc pass merges chains of additions into one multi-operand
// $macc cell and maps that to a LUT-only full-adder tree, which throws away the carry chains and
// the logic absorbed into their LUTs. The keep_hierarchy attribute stops the merge at this
// boundary, so this adder maps to exactly one carry chain (synth_xilinx: SumW LUTs + CARRY4s).
// Read `stat` totals from its "design hierarchy" section when this module is used.
//
// Latency: combinational. Parameter constraints: AW, BW, SumW >= 1.
`default_nettype none

(* keep_hierarchy *)
module keep_add #(
  parameter integer AW   = 4,  // width of a_i in bits
  parameter integer BW   = 4,  // width of b_i in bits
  parameter integer SumW = 5   // width of sum_o in bits (the sum is truncated to it)
) (
  input  wire [AW-1:0]   a_i,   // first operand, unsigned
  input  wire [BW-1:0]   b_i,   // second operand, unsigned
  output wire [SumW-1:0] sum_o  // (a_i + b_i) mod 2**SumW
);

  generate
    if (AW < 1 || BW < 1 || SumW < 1) begin : gen_param_error
      initial begin
        $display("keep_add: parameter error: AW (%0d), BW (%0d) and SumW (%0d) must be >= 1", AW, BW, SumW);
        $finish;
      end
      keep_add_error_widths_must_be_positive u_param_error ();
    end
  endgenerate

  // one bit wider than every operand and the result, so each zero extension below is non-empty
  localparam integer FullW = ((AW > BW) ? ((AW > SumW) ? AW : SumW) : ((BW > SumW) ? BW : SumW)) + 1;

  wire [FullW-1:0] full = {{(FullW - AW){1'b0}}, a_i} + {{(FullW - BW){1'b0}}, b_i};
  wire             unused_full_hi = ^full[FullW-1:SumW];  // bits above SumW are dropped

  assign sum_o = full[SumW-1:0];

endmodule

`default_nettype wire
