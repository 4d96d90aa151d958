// popcount_node: one node of the counting tree of popcount_tree (the tree is built by recursive
// instantiation of this module; instantiate popcount_tree, not this).
//
// What it computes: cnt_o = sum over k < Width of bit(k), where bit(k) = a_i[k] (Xnor = 0) or
// ~(a_i[k] ^ w_i[k]) (Xnor = 1); registered at this node's output when RegMask bit Level is set.
//
// Structure (every node is kept as its own hierarchy level, see keep_add.v):
//  - Level 0, a leaf: 6 input bits -> 3-bit count (3 LUT6, 0.5 LUT per bit) or, with Xnor,
//    3 (a, w) pairs = 6 LUT inputs -> 2-bit count of their XNORs (2 LUT6, 0.67 LUT per pair);
//  - Level l >= 1: up to Arity children of level l-1 (a left-packed tree: child j holds leaves
//    [j*Span/Arity, (j+1)*Span/Arity); every leaf sits at the same depth, so pipeline registers
//    cut the tree cleanly). K child counts c0..c(K-1) are summed as
//        cnt = c0 + sum over t < B of (bit t of the column counts of c1..c(K-1)) << t,
//    B = clog2(K) steps, each one keep_add carry chain on the previous partial sum: the column
//    counter bit (a function of K-1 <= 5 bits) shares the LUT that drives its chain position
//    with the partial-sum bit there, which enters the chain as its DI input. A full six-child
//    node removes 5 bits per column with 3 LUTs (a 5:3 counter on carry chains, 1.67 bits per
//    LUT); four children remove 3 with 2 (1.5). A node costs B LUTs per column of its children.
//
// Parameter constraints: Width >= 1, Xnor in {0, 1}, Level >= 0, 2 <= Arity <= 6,
// Span = Arity**Level, ceil(Width / leaf size) <= Span (leaf size 6 bits, or 3 pairs with Xnor).
`default_nettype none

(* keep_hierarchy *)
module popcount_node #(
  parameter integer Width   = 6,   // counted bits (Xnor = 0) or (a, w) pairs (Xnor = 1)
  parameter integer Xnor    = 0,   // 1: count XNOR(a_i[k], w_i[k]); 0: count a_i[k], ignore w_i
  parameter integer Level   = 0,   // level of this node in the tree (0 = leaf)
  parameter integer Arity   = 6,   // children per node at most, 2..6
  parameter integer Span    = 1,   // Arity**Level: the most leaves this node may hold
  parameter integer RegMask = 0    // bit l set: register the outputs of the nodes of level l
) (
  input  wire                       clk_i,  // clock, rising edge (used when RegMask != 0)
  input  wire                       en_i,   // advance the pipeline registers this cycle

  // operands
  input  wire [Width-1:0]           a_i,    // bits to count, or activations (Xnor = 1)
  input  wire [Width-1:0]           w_i,    // weights (Xnor = 1); ignored when Xnor = 0

  // result
  output wire [$clog2(Width+1)-1:0] cnt_o   // number of counted ones
);

  localparam integer LeafN  = (Xnor != 0) ? 3 : 6;          // bits (pairs) per leaf
  localparam integer Leaves = (Width + LeafN - 1) / LeafN;  // leaves under this node
  localparam integer CntW   = $clog2(Width + 1);

  generate
    if (Width < 1 || (Xnor != 0 && Xnor != 1) || Level < 0 || Arity < 2 || Arity > 6 || Leaves > Span || (Level == 0 && Span != 1)) begin : gen_param_error
      initial begin
        $display("popcount_node: parameter error: need Width >= 1 (%0d), Xnor in {0,1} (%0d), Level >= 0 (%0d), 2 <= Arity <= 6 (%0d), Width <= %0d*Span (Span %0d = Arity**Level)",
                 Width, Xnor, Level, Arity, LeafN, Span);
        $finish;
      end
      popcount_node_error_bad_parameters u_param_error ();
    end
  endgenerate

  wire             unused_ctl = clk_i ^ en_i;  // no register in some configurations
  wire [CntW-1:0]  cnt_d;                      // this node's count, before its register

  generate
    if (Xnor == 0) begin : gen_no_w
      wire unused_w = ^w_i;
    end

    if (Level == 0) begin : gen_leaf
      // at most 6 bits: abc maps each output bit onto one LUT6
      wire [Width-1:0] bits = (Xnor != 0) ? ~(a_i ^ w_i) : a_i;
      reg  [3:0]       sum;
      integer          k;
      always @* begin
        sum = 4'd0;
        for (k = 0; k < Width; k = k + 1) sum = sum + {3'd0, bits[k]};
      end
      assign cnt_d = sum[CntW-1:0];
      wire unused_sum_hi = ^sum[3:CntW];
    end else begin : gen_node
      localparam integer Cap  = Span / Arity;               // leaves per child at most
      localparam integer K    = (Leaves + Cap - 1) / Cap;   // children, 1..Arity
      localparam integer MaxW = Cap * LeafN;                // widest child, in bits
      localparam integer CW   = $clog2(((MaxW < Width) ? MaxW : Width) + 1);  // child count width
      localparam integer G    = K - 1;                      // rows of the column counter
      localparam integer Bits = (G >= 4) ? 3 : (G >= 2) ? 2 : 1;  // its output bits = steps

      wire [K*CW-1:0] child_cnt;  // child counts, CW bits each, child j at [j*CW +: CW]

      genvar j;
      for (j = 0; j < K; j = j + 1) begin : gen_child
        localparam integer Lo  = j * Cap * LeafN;        // first bit of child j
        localparam integer HiU = (j + 1) * Cap * LeafN;  // one past its last bit
        localparam integer Hi  = (HiU < Width) ? HiU : Width;
        localparam integer CWj = $clog2(Hi - Lo + 1);
        wire [CWj-1:0] cnt;
        popcount_node #(
          .Width  (Hi - Lo),
          .Xnor   (Xnor),
          .Level  (Level - 1),
          .Arity  (Arity),
          .Span   (Cap),
          .RegMask(RegMask)
        ) u_child (
          .clk_i(clk_i),
          .en_i (en_i),
          .a_i  (a_i[Hi-1:Lo]),
          .w_i  (w_i[Hi-1:Lo]),
          .cnt_o(cnt)
        );
        if (CWj < CW) begin : gen_ext
          assign child_cnt[j*CW +: CW] = {{(CW - CWj){1'b0}}, cnt};
        end else begin : gen_same
          assign child_cnt[j*CW +: CW] = cnt;
        end
      end

      if (K == 1) begin : gen_k1
        assign cnt_d = child_cnt;
      end else begin : gen_steps
        // acc[t] = c0 + sum over t' < t of (bit t' of the column counts of c1..c(K-1)) << t';
        // every partial sum is at most this node's count, so CntW bits hold it
        wire [(Bits+1)*CntW-1:0] acc;
        assign acc[CntW-1:0] = {{(CntW - CW){1'b0}}, child_cnt[0 +: CW]};
        genvar t;
        for (t = 0; t < Bits; t = t + 1) begin : gen_step
          keep_add #(
            .AW  (CntW),
            .BW  (CW),
            .SumW(CntW),
            .Rows(G),
            .Bit (t)
          ) u_add (
            .a_i  (acc[t*CntW +: CntW]),
            .b_i  (child_cnt[K*CW-1:CW]),
            .sum_o(acc[(t+1)*CntW +: CntW])
          );
        end
        assign cnt_d = acc[Bits*CntW +: CntW];
      end
    end

    // pipeline register of this level
    wire [CntW-1:0] node_cnt;
    if (((RegMask >> Level) & 1) != 0) begin : gen_reg
      reg [CntW-1:0] cnt_q;
      always @(posedge clk_i) begin
        if (en_i) cnt_q <= cnt_d;
      end
      assign node_cnt = cnt_q;
    end else begin : gen_comb
      assign node_cnt = cnt_d;
    end

    assign cnt_o = node_cnt;
  endgenerate

endmodule

`default_nettype wire
