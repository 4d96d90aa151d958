// xnor_popcount: the binary dot-product kernel, popcount(XNOR(a, w)), pipelined.
//
// What it computes: cnt_o = #{k < Width : a_i[k] == w_i[k]}, Stages cycles (cycles with en_i
// high) after the operands. With bit 1 = +1 and bit 0 = -1, the dot product of the two +-1
// vectors is 2*cnt_o - Width.
//
// Structure and cost: popcount_tree with Xnor = 1. The XNOR is fused into the first compressor
// level: 3 (a, w) pairs = 6 LUT inputs -> 2-bit count (2 LUT6, 0.67 LUT6 per pair); the rest of
// the tree folds 5:3 column counters into carry chains (see popcount_node.v). Measured with Yosys
// 0.23 synth_xilinx, Stages 1 (templates/cores/README.md, bench/lut-per-mac.bench.mjs): 39 / 75 /
// 155 LUTs and 11 / 24 / 52 CARRY4 at Width 32 / 64 / 128, i.e. 1.22 / 1.17 / 1.21 LUT per binary
// MAC, against 1.94 / 2.61 / 2.57 for a `+` chain over the XNOR bits; why not 0.9: popcount_tree.v.
// Each popcount_node/keep_add instance is its own hierarchy level: read LUT totals from the
// "design hierarchy" section of `stat`.
//
// Latency: Stages cycles (0 = combinational). Throughput: one operand pair per cycle.
//
// Parameter constraints: Width >= 1, Stages >= 0.
`default_nettype none

module xnor_popcount #(
  parameter integer Width  = 64,  // number of (activation, weight) bit pairs
  parameter integer Stages = 1    // pipeline register stages = latency in cycles
) (
  input  wire                       clk_i,  // clock, rising edge (used when Stages > 0)
  input  wire                       en_i,   // advance the pipeline this cycle (stall when low)

  // operands
  input  wire [Width-1:0]           a_i,    // activation bits (1 = +1, 0 = -1)
  input  wire [Width-1:0]           w_i,    // weight bits (1 = +1, 0 = -1)

  // result
  output wire [$clog2(Width+1)-1:0] cnt_o   // popcount(~(a_i ^ w_i)), Stages cycles later
);

  popcount_tree #(
    .Width (Width),
    .Xnor  (1),
    .Stages(Stages)
  ) u_tree (
    .clk_i(clk_i),
    .en_i (en_i),
    .a_i  (a_i),
    .w_i  (w_i),
    .cnt_o(cnt_o)
  );

endmodule

`default_nettype wire
