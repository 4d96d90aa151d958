// delay_line: a stallable shift register (pipeline balancing for side-band signals).
//
// What it computes: d_o = the value d_i had Stages enabled cycles (cycles with en_i high) ago;
// Stages = 0 is a wire. Reset clears every stage to zero (so delayed valid bits start low).
//
// Latency: Stages enabled cycles. Parameter constraints: DataW >= 1, Stages >= 0.
`default_nettype none

module delay_line #(
  parameter integer DataW  = 1,  // width of the delayed signal in bits
  parameter integer Stages = 1   // delay in enabled cycles
) (
  input  wire             clk_i,  // clock, rising edge (used when Stages > 0)
  input  wire             rst_ni, // synchronous reset, active low: clears every stage
  input  wire             en_i,   // shift this cycle

  input  wire [DataW-1:0] d_i,    // value in
  output wire [DataW-1:0] d_o     // value of Stages enabled cycles ago
);

  generate
    if (DataW < 1 || Stages < 0) begin : gen_param_error
      initial begin
        $display("delay_line: parameter error: DataW (%0d) must be >= 1 and Stages (%0d) >= 0", DataW, Stages);
        $finish;
      end
      delay_line_error_bad_parameters u_param_error ();
    end

    if (Stages == 0) begin : gen_wire
      wire unused_ctl = clk_i ^ rst_ni ^ en_i;
      assign d_o = d_i;
    end else begin : gen_regs
      wire [(Stages+1)*DataW-1:0] chain;  // stage s output at [(s+1)*DataW +: DataW]
      assign chain[DataW-1:0] = d_i;
      genvar s;
      for (s = 0; s < Stages; s = s + 1) begin : gen_stage
        reg [DataW-1:0] stage_q;
        always @(posedge clk_i) begin
          if (!rst_ni)   stage_q <= {DataW{1'b0}};
          else if (en_i) stage_q <= chain[s*DataW +: DataW];
        end
        assign chain[(s+1)*DataW +: DataW] = stage_q;
      end
      assign d_o = chain[Stages*DataW +: DataW];
    end
  endgenerate

endmodule

`default_nettype wire
