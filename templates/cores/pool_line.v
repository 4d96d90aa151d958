// pool_line: one dimension of a pooling window (max or sum), the building block of maxpool.v and
// avgpool2.v (a 2-D pool is a row pass followed by a column pass).
//
// What it computes: the input is Seqs sequences of Positions positions, each position Items
// beats (beat = Par lanes). Window w (0 <= w < Outs, Outs = floor((Positions + 2*Pad - Kernel) /
// Stride) + 1) covers positions [w*Stride - Pad, w*Stride - Pad + Kernel - 1] clipped to the
// sequence: positions outside it never take part ("padding never wins" for max, zero for sum).
// For every sequence, window and item it sends one beat: lane-wise max (Op = 0) or exact sum
// (Op = 1) of that item's lanes over the window's positions. Output order: sequence, window,
// item, so a row pass over a row-major map yields a row-major map.
//
// How: the last Kernel-1 positions of every item are kept in Kernel-1 slot memories of Items
// entries (written with the raw input, read in the same cycle before the write: no
// read-modify-write hazards); when a window ends at the current position, the current beat and
// the slots inside the window are reduced.
//
// Streams: in (InW-bit lanes) and out (OutW-bit lanes), Par lanes per beat, lane i at bits
// [(i+1)*W-1 : i*W]. The frame position comes from counters; in tlast is not needed, out tlast
// marks the frame's last output beat.
//
// Parameter constraints: 2 <= Kernel <= 2*Stride and Pad < Stride (an input position is in at
// most two windows and at most one window ends per beat; true for 3x3/2/1 and 2x2/2/0),
// Pad < Kernel, Outs >= 1, Op = 0: OutW = InW; Op = 1: OutW >= InW + clog2(Kernel).
//
// Latency and cycle model: one input beat per cycle; 2 register stages plus the output skid buffer.
`default_nettype none

module pool_line #(
  parameter integer Par       = 1,   // lanes per beat
  parameter integer InW       = 16,  // input code width
  parameter integer InSigned  = 1,   // 1: two's complement codes (signed max); 0: unsigned
  parameter integer OutW      = 16,  // output code width
  parameter integer Op        = 0,   // 0: max; 1: sum
  parameter integer Kernel    = 3,   // window length in positions
  parameter integer Stride    = 2,   // window step in positions
  parameter integer Pad       = 1,   // positions of padding before the first (and after the last)
  parameter integer Items     = 1,   // beats per position
  parameter integer Positions = 4,   // positions per sequence
  parameter integer Seqs      = 1    // sequences per frame
) (
  input  wire                clk_i,         // clock, rising edge
  input  wire                rst_ni,        // synchronous reset, active low

  // input stream
  input  wire                in_tvalid_i,   // input beat valid
  output wire                in_tready_o,   // core accepts the beat (registered)
  input  wire [Par*InW-1:0]  in_tdata_i,    // Par input codes
  input  wire                in_tlast_i,    // last beat of a frame (not needed: counters)

  // output stream
  output wire                out_tvalid_o,  // output beat valid (registered)
  input  wire                out_tready_i,  // downstream takes the beat
  output wire [Par*OutW-1:0] out_tdata_o,   // Par reduced codes
  output wire                out_tlast_o    // last beat of a frame
);

  localparam integer Outs = (Positions + 2 * Pad - Kernel) / Stride + 1;  // windows per sequence
  localparam integer KS   = Kernel - 1;                                  // slots

  generate
    if (Par < 1 || Items < 1 || Positions < 1 || Seqs < 1 || Kernel < 2 || Stride < 1 ||
        Pad < 0 || Kernel > 2 * Stride || Pad >= Stride || Pad >= Kernel ||
        Positions + 2 * Pad < Kernel) begin : gen_param_error_window
      initial begin
        $display("pool_line: parameter error: Kernel %0d, Stride %0d, Pad %0d, Positions %0d %s",
                 Kernel, Stride, Pad, Positions, "(2 <= K <= 2S, P < S, P < K, one full window)");
        $finish;
      end
      pool_line_error_unsupported_window u_param_error ();
    end
    if (InW < 1 || (Op == 0 && OutW != InW) ||
        (Op == 1 && OutW < InW + $clog2(Kernel)) || Op < 0 || Op > 1) begin : gen_param_error_width
      initial begin
        $display("pool_line: parameter error: need OutW = InW (Op 0), >= InW+clog2(Kernel) (Op 1)");
        $finish;
      end
      pool_line_error_bad_widths u_param_error ();
    end
  endgenerate

  // ---- frame position -----------------------------------------------------------------------
  // p + Pad = ox*Stride + r: window ox starts at or before p, window ox-1 may still contain p.
  localparam integer IW = (Items > 1) ? $clog2(Items) : 1;
  localparam integer PW = (Positions > 1) ? $clog2(Positions) : 1;
  localparam integer SW = (Seqs > 1) ? $clog2(Seqs) : 1;
  localparam integer OW = $clog2(Outs + 2);
  localparam integer RW = (Stride > 1) ? $clog2(Stride) : 1;
  localparam integer LastItemI = Items - 1;
  localparam integer LastPosI  = Positions - 1;
  localparam integer LastSeqI  = Seqs - 1;
  localparam integer LastOutI  = Outs - 1;
  localparam integer LastRI    = Stride - 1;
  localparam integer PadI      = Pad;
  localparam [IW-1:0] LastItem = LastItemI[IW-1:0];
  localparam [PW-1:0] LastPos  = LastPosI[PW-1:0];
  localparam [SW-1:0] LastSeq  = LastSeqI[SW-1:0];
  localparam [OW-1:0] LastOut  = LastOutI[OW-1:0];
  localparam [RW-1:0] LastR    = LastRI[RW-1:0];
  localparam [RW-1:0] R0       = PadI[RW-1:0];  // Pad < Stride: the first position is in window 0

  wire adv;  // the skid buffer takes a beat (registered)
  wire fire = in_tvalid_i && adv;
  wire unused_in_last = in_tlast_i;

  reg [IW-1:0] item_q;
  reg [PW-1:0] pos_q;
  reg [SW-1:0] seq_q;
  reg [OW-1:0] ox_q;
  reg [RW-1:0] r_q;
  wire item_end = item_q == LastItem;
  wire pos_end  = pos_q == LastPos;
  wire seq_end  = seq_q == LastSeq;

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      item_q <= {IW{1'b0}};
      pos_q  <= {PW{1'b0}};
      seq_q  <= {SW{1'b0}};
      ox_q   <= {OW{1'b0}};
      r_q    <= R0;
    end else if (fire) begin
      item_q <= item_end ? {IW{1'b0}} : item_q + 1'b1;
      if (item_end) begin
        if (pos_end) begin
          pos_q <= {PW{1'b0}};
          ox_q  <= {OW{1'b0}};
          r_q   <= R0;
          seq_q <= seq_end ? {SW{1'b0}} : seq_q + 1'b1;
        end else begin
          pos_q <= pos_q + 1'b1;
          if (r_q == LastR) begin
            r_q  <= {RW{1'b0}};
            ox_q <= ox_q + 1'b1;
          end else begin
            r_q <= r_q + 1'b1;
          end
        end
      end
    end
  end

  // ---- which window ends here ---------------------------------------------------------------
  // r and the window bounds are small, so they are compared as integers.
  wire [31:0] r_i   = {{(32 - RW){1'b0}}, r_q};
  wire [31:0] ox_i  = {{(32 - OW){1'b0}}, ox_q};
  wire [31:0] pos_i = {{(32 - PW){1'b0}}, pos_q};
  wire in_cur  = (r_i < Kernel) && (ox_i < Outs);                             // p in window ox
  wire in_prev = (r_i + Stride < Kernel) && (ox_i >= 1) && (ox_i <= Outs);    // p in window ox-1
  wire end_cur  = in_cur && ((r_i == Kernel - 1) || pos_end);
  wire end_prev = in_prev && ((r_i + Stride == Kernel - 1) || pos_end);
  wire emit = end_cur || end_prev;
  // positions of the ending window before this one: min(p, r) or min(p, r + Stride)
  wire [31:0] span  = end_cur ? r_i : r_i + Stride;
  wire [31:0] nprev = (pos_i < span) ? pos_i : span;
  wire last_win = end_cur ? (ox_q == LastOut) : (ox_q == LastOut + 1'b1);
  wire frame_last = emit && last_win && item_end && seq_end;

  // ---- pipeline: stage 1 holds the beat and its window's slot values, stage 2 the result ------
  reg valid1_q, valid2_q;
  reg emit1_q, last1_q, last2_q;
  always @(posedge clk_i) begin
    if (!rst_ni) begin
      valid1_q <= 1'b0;
      valid2_q <= 1'b0;
    end else if (adv) begin
      valid1_q <= in_tvalid_i;
      valid2_q <= valid1_q && emit1_q;
    end
  end
  always @(posedge clk_i) begin
    if (adv) begin
      emit1_q <= emit;
      last1_q <= frame_last;
      last2_q <= last1_q;
    end
  end

  // slot written by the current position: p mod (Kernel-1)
  localparam integer WPW = (KS > 1) ? $clog2(KS) : 1;
  localparam integer LastWpI = (KS > 1) ? KS - 1 : 0;
  localparam [WPW-1:0] LastWp = LastWpI[WPW-1:0];
  reg [WPW-1:0] wp_q;
  always @(posedge clk_i) begin
    if (!rst_ni) wp_q <= {WPW{1'b0}};
    else if (fire && item_end) wp_q <= (pos_end || wp_q == LastWp) ? {WPW{1'b0}} : wp_q + 1'b1;
  end
  wire [31:0] wp_i = {{(32 - WPW){1'b0}}, wp_q};

  wire [Par*OutW-1:0] y;
  genvar i, j;
  generate
    for (i = 0; i < Par; i = i + 1) begin : gen_lane
      wire [InW-1:0] x = in_tdata_i[i*InW +: InW];
      reg  [InW-1:0] x1_q;
      always @(posedge clk_i) begin
        if (fire) x1_q <= x;
      end
      // the reduction, slot by slot: acc0 is the current beat, gen_slot[j].acc includes slot j
      wire [OutW-1:0] acc0;
      if (Op == 0) begin : gen_first_max
        assign acc0 = x1_q;
      end else begin : gen_first_sum
        if (InSigned != 0) begin : gen_signed
          assign acc0 = {{(OutW - InW){x1_q[InW-1]}}, x1_q};
        end else begin : gen_unsigned
          assign acc0 = {{(OutW - InW){1'b0}}, x1_q};
        end
      end
      for (j = 0; j < KS; j = j + 1) begin : gen_slot
        // slot j holds, for every item, the latest position q < p with q mod (Kernel-1) = j
        reg [InW-1:0] mem [0:Items-1];
        reg [InW-1:0] rd_q;
        reg           use_q;
        always @(posedge clk_i) begin
          if (fire) begin
            rd_q <= mem[item_q];
            if (wp_i == j) mem[item_q] <= x;
          end
        end
        // distance back from p to the position in slot j: (wp - j) mod KS, 0 meaning KS
        wire [31:0] back = (wp_i > j) ? wp_i - j : wp_i + KS - j;
        always @(posedge clk_i) begin
          if (fire) use_q <= back <= nprev;
        end
        wire [OutW-1:0] prev;
        if (j == 0) begin : gen_from_beat
          assign prev = acc0;
        end else begin : gen_from_slot
          assign prev = gen_slot[j-1].acc;
        end
        wire [OutW-1:0] acc;
        wire [OutW-1:0] v;
        if (InSigned != 0) begin : gen_signed
          assign v = {{(OutW - InW){rd_q[InW-1]}}, rd_q};
        end else begin : gen_unsigned
          assign v = {{(OutW - InW){1'b0}}, rd_q};
        end
        if (Op == 0) begin : gen_max
          wire greater = (InSigned != 0) ? ($signed(v) > $signed(prev)) : (v > prev);
          assign acc = (use_q && greater) ? v : prev;
        end else begin : gen_sum
          assign acc = use_q ? prev + v : prev;
        end
      end
      reg [OutW-1:0] y_q;
      always @(posedge clk_i) begin
        if (adv) y_q <= gen_slot[KS-1].acc;
      end
      assign y[i*OutW +: OutW] = y_q;
    end
  endgenerate

  skid_buffer #(
    .DataW(Par * OutW)
  ) u_out_skid (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .in_tvalid_i(valid2_q),
    .in_tready_o(adv),
    .in_tdata_i (y),
    .in_tlast_i (last2_q),
    .out_tvalid_o(out_tvalid_o),
    .out_tready_i(out_tready_i),
    .out_tdata_o (out_tdata_o),
    .out_tlast_o (out_tlast_o)
  );

  assign in_tready_o = adv;

endmodule

`default_nettype wire
