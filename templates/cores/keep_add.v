// keep_add: an unsigned adder kept as its own level of hierarchy, whose second operand may be one
// output bit of a column counter (the step of the counting tree in popcount_node.v).
//
// What it computes: sum_o = (a_i + (s << Bit)) mod 2**SumW, where s[j] = bit Bit of the number of
// ones among b_i[r*BW + j] for r < Rows (column j of the Rows rows of b_i). Rows = 1, Bit = 0 is
// a plain adder: sum_o = (a_i + b_i) mod 2**SumW.
//
// Why a module of its own: Yosys' alumacc pass merges chains of additions into one multi-operand
// $macc cell and maps that to a LUT-only full-adder tree, which throws away the carry chains and
// the logic absorbed into their LUTs. The keep_hierarchy attribute stops the merge at this
// boundary, so this adder maps to exactly one carry chain, and the counter bit s[j] (a function of
// Rows <= 5 inputs) lands in the LUT that drives chain position j + Bit together with a_i's bit
// there (synth_xilinx: one LUT per column where s can be nonzero, plus CARRY4s; columns of a_i
// alone need no LUT). The counter is a constant truth table, never `+`, so that it is not turned
// into carry chains of its own. Read `stat` totals from its "design hierarchy" section.
//
// Latency: combinational. Parameter constraints: AW, BW, SumW >= 1, 1 <= Rows <= 5,
// 0 <= Bit < clog2(Rows + 1).
`default_nettype none

(* keep_hierarchy *)
module keep_add #(
  parameter integer AW   = 4,  // width of a_i in bits
  parameter integer BW   = 4,  // width of one row of b_i in bits
  parameter integer SumW = 5,  // width of sum_o in bits (the sum is truncated to it)
  parameter integer Rows = 1,  // rows in b_i, counted column by column (1: b_i is the operand)
  parameter integer Bit  = 0   // which bit of the column counts is added (weight 2**Bit)
) (
  input  wire [AW-1:0]      a_i,   // first operand, unsigned
  input  wire [Rows*BW-1:0] b_i,   // Rows rows of BW bits, row r at [r*BW +: BW]
  output wire [SumW-1:0]    sum_o  // (a_i + (s << Bit)) mod 2**SumW
);

  generate
    if (AW < 1 || BW < 1 || SumW < 1 || Rows < 1 || Rows > 5 || Bit < 0 || (1 << Bit) > Rows) begin : gen_param_error
      initial begin
        $display("keep_add: parameter error: need AW (%0d), BW (%0d), SumW (%0d) >= 1, 1 <= Rows <= 5 (%0d), 0 <= Bit < clog2(Rows+1) (%0d)",
                 AW, BW, SumW, Rows, Bit);
        $finish;
      end
      keep_add_error_bad_parameters u_param_error ();
    end
  endgenerate

  // truth table of the counter bit: entry x = bit Bit of the number of ones in x
  function [31:0] count_bit_table;
    input integer b;
    integer x, k, n;
    begin
      count_bit_table = 32'd0;
      for (x = 0; x < 32; x = x + 1) begin
        n = 0;
        for (k = 0; k < 5; k = k + 1) n = n + ((x >> k) & 1);
        count_bit_table[x] = ((n >> b) & 1) != 0;
      end
    end
  endfunction

  localparam [31:0] Table = count_bit_table(Bit);

  // the second operand: counter bits of each column, at weight 2**Bit
  wire [BW-1:0] s;
  genvar j, r;
  for (j = 0; j < BW; j = j + 1) begin : gen_col
    wire [Rows-1:0] col;  // column j of the rows
    for (r = 0; r < Rows; r = r + 1) begin : gen_row
      assign col[r] = b_i[r*BW + j];
    end
    if (Rows == 1) begin : gen_wire
      assign s[j] = col[0];
    end else begin : gen_count
      wire [4:0] idx = {{(5 - Rows){1'b0}}, col};
      assign s[j] = Table[idx];
    end
  end

  localparam integer OpW = BW + Bit;  // width of s << Bit
  // one bit wider than every operand and the result, so each zero extension below is non-empty
  localparam integer FullW = ((AW > OpW) ? ((AW > SumW) ? AW : SumW) : ((OpW > SumW) ? OpW : SumW)) + 1;

  wire [OpW-1:0]   op;
  if (Bit > 0) begin : gen_shift
    assign op = {s, {Bit{1'b0}}};
  end else begin : gen_noshift
    assign op = s;
  end

  // full = a_i + op, written as a_i - ~op - 1: for `+` Yosys' alumacc makes the narrower operand
  // the $alu's A port, which feeds the carry chain's DI inputs, so the counter bit would need a LUT
  // of its own besides the one computing the chain's propagate signal; a subtraction keeps a_i as
  // A (DI = a_i, a plain wire) and the counter folds into the propagate LUT.
  wire [FullW-1:0] a_ext  = {{(FullW - AW){1'b0}}, a_i};
  wire [FullW-1:0] op_inv = ~{{(FullW - OpW){1'b0}}, op};
  wire [FullW-1:0] full   = a_ext - op_inv - {{(FullW - 1){1'b0}}, 1'b1};
  wire             unused_full_hi = ^full[FullW-1:SumW];  // bits above SumW are dropped
  wire             unused_table = ^Table;                   // entries of absent rows

  assign sum_o = full[SumW-1:0];

endmodule

`default_nettype wire
