// popcount: a pipelined, LUT6-friendly population count.
//
// What it computes: cnt_o = number of ones in bits_i, Stages cycles (cycles with en_i high) later.
//
// Structure and cost: popcount_tree with Xnor = 0. First level: 6 input bits -> 3-bit count, one
// LUT6 per output bit (3 LUT6 per 6 bits = 0.5 LUT6 per input bit); then a tree of up to six
// children per node whose sums fold a 5:3 column counter into carry chains (see popcount_node.v).
// Measured with Yosys 0.23 synth_xilinx, Stages 1: 31 / 67 / 131 LUTs at Width 32 / 64 / 128
// (0.97 / 1.05 / 1.02 LUT per input bit; templates/cores/README.md). Each popcount_node/keep_add
// instance is its own hierarchy level: read LUT totals from the "design hierarchy" section of `stat`.
//
// Latency: Stages cycles (0 = combinational). Throughput: one vector per cycle.
//
// Parameter constraints: Width >= 1, Stages >= 0.
`default_nettype none

module popcount #(
  parameter integer Width  = 64,  // number of input bits
  parameter integer Stages = 1    // pipeline register stages = latency in cycles
) (
  input  wire                       clk_i,   // clock, rising edge (used when Stages > 0)
  input  wire                       en_i,    // advance the pipeline this cycle (stall when low)

  // operand
  input  wire [Width-1:0]           bits_i,  // bits to count

  // result
  output wire [$clog2(Width+1)-1:0] cnt_o    // number of ones, Stages cycles later
);

  popcount_tree #(
    .Width (Width),
    .Xnor  (0),
    .Stages(Stages)
  ) u_tree (
    .clk_i(clk_i),
    .en_i (en_i),
    .a_i  (bits_i),
    .w_i  ({Width{1'b0}}),
    .cnt_o(cnt_o)
  );

endmodule

`default_nettype wire
