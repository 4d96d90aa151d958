// popcount_tree: a pipelined, LUT6-friendly population count, optionally of XNORs; the shared
// engine of popcount and xnor_popcount.
//
// What it computes: cnt_o = sum over k < Width of bit(k), where bit(k) = a_i[k] (Xnor = 0) or
// ~(a_i[k] ^ w_i[k]) (Xnor = 1), Stages clock cycles (cycles with en_i high) after the operands.
//
// Structure: a left-packed tree of popcount_node (see there), at most 6 children per node:
// leaves of 6 bits (3 XNOR pairs), inner nodes sum their children's counts with a 5:3 column
// counter folded into carry chains. Depth D = smallest d with 6**d >= number of leaves.
// Pipeline: min(Stages, D + 1) registers are spread evenly over the node levels, the last one at
// the root output; any further stages form a delay line after the root. Stages = 0 is purely
// combinational.
//
// Cost, measured (Yosys 0.23 `synth_xilinx -flatten`, Stages 1, LUT1..LUT6 of the `design
// hierarchy` totals; bench/lut-per-mac.bench.mjs): Xnor = 1 at Width 32 / 64 / 128: 39 / 75 /
// 155 LUTs = 1.22 / 1.17 / 1.21 LUT per binary MAC, 11 / 24 / 52 CARRY4; Xnor = 0: 31 / 67 / 131.
//
// Why not 0.9 LUT per MAC (an argument, not a measurement). Yosys maps to single-output LUT1..6
// (no LUT6_2 packing) plus CARRY4, whose LUT at a chain position sees the DI operand plus at most
// 5 other inputs. (1) Leaves: both bits of every pair must enter a LUT; a LUT6 sees at most 3
// pairs and the count of 3 XNORs needs 2 output bits, so 2 LUTs per 3 pairs (0.67 per MAC),
// leaving 2N/3 bits for N pairs. (2) Above the leaves, a LUT-only counter removes at most 1 bit
// per LUT (6:3) and a carry-chain position at most 5/3 (5 bits of a column need 3 counter bits,
// one per chain position; the DI bit comes in and one bit goes out), so taking 2N/3 bits down to
// the clog2(N+1) of the result costs at least (2N/3 - clog2(N+1)) * 3/5 LUTs: in all at least
// 1.067 N - 0.6 clog2(N+1) = 0.95 / 1.00 / 1.03 per MAC at N = 32 / 64 / 128. This tree reaches
// 1.22 / 1.17 / 1.21; the gap is the growth of the counts (a node's count is wider than its
// children's and those bits are counted again: six 2-bit leaf counts give a 5-bit sum, 7 bits
// removed with 6 LUTs). (3) Only XNOR pairs fed straight into carry-chain positions (2 pairs + 1
// counted bit + DI = 6 inputs: parity at bit 0, majority at bit 1 of a chain) could go below (1);
// a linear-programming relaxation over those counters gives about 0.92 N - 0.6 clog2(N+1), which
// does not exclude 0.9 at these widths, but it assumes every chain position carries a full counter
// and ignores each chain's carry-out, and each such group needs a chain of its own starting at
// bit 0. Not built or measured here. Dual-output LUT6_2 counters would lift the limits in (1)-(2).
//
// Parameter constraints: Width >= 1, Xnor in {0, 1}, Stages >= 0.
`default_nettype none

module popcount_tree #(
  parameter integer Width  = 64,  // counted bits (Xnor = 0) or (a, w) pairs (Xnor = 1)
  parameter integer Xnor   = 0,   // 1: count XNOR(a_i[k], w_i[k]); 0: count a_i[k], ignore w_i
  parameter integer Stages = 0    // pipeline register stages = latency in cycles
) (
  input  wire                       clk_i,  // clock, rising edge (used when Stages > 0)
  input  wire                       en_i,   // advance the pipeline this cycle (stall when low)

  // operands
  input  wire [Width-1:0]           a_i,    // bits to count, or activations (Xnor = 1)
  input  wire [Width-1:0]           w_i,    // weights (Xnor = 1); ignored when Xnor = 0

  // result
  output wire [$clog2(Width+1)-1:0] cnt_o   // number of counted ones, Stages cycles later
);

  // smallest level d with Arity**d >= leaves
  function integer tree_depth;
    input integer leaves;
    integer i, pw;  // not `p`: Verilator -Wall flags VARHIDDEN when an instance's parent has a genvar p
    begin
      tree_depth = 0;
      pw = 1;
      for (i = 0; i < 16; i = i + 1) begin
        if (pw < leaves) begin
          tree_depth = tree_depth + 1;
          pw = pw * Arity;
        end
      end
    end
  endfunction

  // Arity**e
  function integer pow_arity;
    input integer e;
    integer i;
    begin
      pow_arity = 1;
      for (i = 0; i < 16; i = i + 1) if (i < e) pow_arity = pow_arity * Arity;
    end
  endfunction

  // registers after levels ceil((j+1)*(d+1)/n)-1 for j < n = min(s, d+1): evenly spread, root last
  function integer stage_mask;
    input integer d;
    input integer s;
    integer j, n;
    begin
      n = (s < d + 1) ? s : d + 1;
      stage_mask = 0;
      for (j = 0; j < 32; j = j + 1)
        if (j < n) stage_mask = stage_mask | (1 << (((j + 1) * (d + 1) + n - 1) / n - 1));
    end
  endfunction

  localparam integer Arity  = 6;                                 // children per tree node at most
  localparam integer LeafN  = (Xnor != 0) ? 3 : 6;               // bits (pairs) per leaf
  localparam integer Depth  = tree_depth((Width + LeafN - 1) / LeafN);
  localparam integer InTree = (Stages < Depth + 1) ? Stages : Depth + 1;  // registers in the tree
  localparam integer Extra  = Stages - InTree;                   // delay-line registers after it
  localparam integer CntW   = $clog2(Width + 1);

  generate
    if (Width < 1 || (Xnor != 0 && Xnor != 1) || Stages < 0) begin : gen_param_error
      initial begin
        $display("popcount_tree: parameter error: need Width >= 1 (%0d), Xnor in {0,1} (%0d), Stages >= 0 (%0d)",
                 Width, Xnor, Stages);
        $finish;
      end
      popcount_tree_error_bad_parameters u_param_error ();
    end
  endgenerate

  wire [CntW-1:0] root_cnt;

  popcount_node #(
    .Width  (Width),
    .Xnor   (Xnor),
    .Level  (Depth),
    .Arity  (Arity),
    .Span   (pow_arity(Depth)),
    .RegMask(stage_mask(Depth, Stages))
  ) u_root (
    .clk_i(clk_i),
    .en_i (en_i),
    .a_i  (a_i),
    .w_i  (w_i),
    .cnt_o(root_cnt)
  );

  generate
    if (Extra > 0) begin : gen_delay
      wire [(Extra+1)*CntW-1:0] chain;  // delay stage s output at [(s+1)*CntW +: CntW]
      assign chain[CntW-1:0] = root_cnt;
      genvar s;
      for (s = 0; s < Extra; s = s + 1) begin : gen_stage
        reg [CntW-1:0] cnt_q;
        always @(posedge clk_i) begin
          if (en_i) cnt_q <= chain[s*CntW +: CntW];
        end
        assign chain[(s+1)*CntW +: CntW] = cnt_q;
      end
      assign cnt_o = chain[Extra*CntW +: CntW];
    end else begin : gen_nodelay
      assign cnt_o = root_cnt;
    end
  endgenerate

endmodule

`default_nettype wire
