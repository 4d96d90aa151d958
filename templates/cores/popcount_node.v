// popcount_node: one node of the counting tree of popcount_tree (the tree is built by recursive
// instantiation of this module; instantiate popcount_tree, not this).
//
// What it computes: cnt_o = sum over k < Width of bit(k), where bit(k) = a_i[k] (Xnor = 0) or
// ~(a_i[k] ^ w_i[k]) (Xnor = 1); registered at this node's output when RegMask bit Level is set.
//
// Structure (every node is kept as its own hierarchy level, see keep_add.v):
//  - Level 0, a leaf: 6 input bits -> 3-bit count (3 LUT6, 0.5 LUT per bit) or, with Xnor,
//    3 (a, w) pairs = 6 LUT inputs -> 2-bit count of their XNORs (2 LUT6, 0.67 LUT per pair);
//  - Level l >= 1: up to five children of level l-1 (a left-packed 5-ary tree: child j holds
//    leaves [j*Span/5, (j+1)*Span/5); every leaf sits at the same depth, so pipeline registers
//    cut the tree cleanly). Full five-child nodes are the cheap ones, hence the packing.
//    Five child counts c0..c4 are reduced by a carry-save step folded into two carry chains,
//        y1 = c0 + (c2 ^ c3 ^ c4),  y2 = c1 + (maj(c2, c3, c4) << 1),  cnt = y1 + y2,
//    where each XOR3 / majority bit shares the LUT that drives its carry-chain position (4 LUT
//    inputs), so five counts cost three carry chains instead of four. Fewer children: plain adds.
//
// Parameter constraints: Width >= 1, Xnor in {0, 1}, Level >= 0, Span = 5**Level,
// ceil(Width / leaf size) <= Span (leaf size 6 bits, or 3 pairs with Xnor).
`default_nettype none

(* keep_hierarchy *)
module popcount_node #(
  parameter integer Width   = 6,   // counted bits (Xnor = 0) or (a, w) pairs (Xnor = 1)
  parameter integer Xnor    = 0,   // 1: count XNOR(a_i[k], w_i[k]); 0: count a_i[k], ignore w_i
  parameter integer Level   = 0,   // level of this node in the tree (0 = leaf)
  parameter integer Span    = 1,   // 5**Level: the most leaves this node may hold
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
    if (Width < 1 || (Xnor != 0 && Xnor != 1) || Level < 0 || Leaves > Span || (Level == 0 && Span != 1)) begin : gen_param_error
      initial begin
        $display("popcount_node: parameter error: need Width >= 1 (%0d), Xnor in {0,1} (%0d), Level >= 0 (%0d), Width <= %0d*Span (Span %0d = 5**Level)",
                 Width, Xnor, Level, LeafN, Span);
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
      localparam integer Cap  = Span / 5;                   // leaves per child at most
      localparam integer K    = (Leaves + Cap - 1) / Cap;   // children, 1..5
      localparam integer MaxW = Cap * LeafN;                // widest child, in bits
      localparam integer CW   = $clog2(((MaxW < Width) ? MaxW : Width) + 1);  // child count width

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
      end else if (K == 2) begin : gen_k2
        keep_add #(.AW(CW), .BW(CW), .SumW(CntW)) u_add (
          .a_i  (child_cnt[0 +: CW]),
          .b_i  (child_cnt[CW +: CW]),
          .sum_o(cnt_d)
        );
      end else if (K == 3) begin : gen_k3
        wire [CW:0] y = {1'b0, child_cnt[0 +: CW]} + {1'b0, child_cnt[CW +: CW]};
        keep_add #(.AW(CW + 1), .BW(CW), .SumW(CntW)) u_add (
          .a_i  (y),
          .b_i  (child_cnt[2*CW +: CW]),
          .sum_o(cnt_d)
        );
      end else if (K == 4) begin : gen_k4
        wire [CW:0] y1 = {1'b0, child_cnt[0 +: CW]} + {1'b0, child_cnt[CW +: CW]};
        wire [CW:0] y2 = {1'b0, child_cnt[2*CW +: CW]} + {1'b0, child_cnt[3*CW +: CW]};
        keep_add #(.AW(CW + 1), .BW(CW + 1), .SumW(CntW)) u_add (
          .a_i  (y1),
          .b_i  (y2),
          .sum_o(cnt_d)
        );
      end else begin : gen_k5
        wire [CW-1:0] c0 = child_cnt[0 +: CW];
        wire [CW-1:0] c1 = child_cnt[CW +: CW];
        wire [CW-1:0] c2 = child_cnt[2*CW +: CW];
        wire [CW-1:0] c3 = child_cnt[3*CW +: CW];
        wire [CW-1:0] c4 = child_cnt[4*CW +: CW];
        // carry-save step: c2 + c3 + c4 = s + 2*m, bit by bit
        wire [CW-1:0] s  = c2 ^ c3 ^ c4;
        wire [CW-1:0] m  = (c2 & c3) | (c2 & c4) | (c3 & c4);
        // two carry chains; bit 0 of c1 bypasses the second one (m is shifted left)
        wire [CW:0]   y1    = {1'b0, c0} + {1'b0, s};
        wire [CW:0]   y2_hi = {2'b00, c1[CW-1:1]} + {1'b0, m};
        keep_add #(.AW(CW + 1), .BW(CW + 2), .SumW(CntW)) u_add (
          .a_i  (y1),
          .b_i  ({y2_hi, c1[0]}),
          .sum_o(cnt_d)
        );
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
