// concat: channel concatenation of two maps with the same height and width.
//
// What it computes (src/ref/ops/concat.ts, integer interpretation): for every pixel, the
// channels of a, then the channels of b, each code requantized to the output format:
//   y = saturate(shiftRound(x, XFrac - OutFrac))   (X = A or B; rounding and saturation: requant.v)
// which is the identity when the formats agree.
//
// Streams: a (ChannelsA channels), b (ChannelsB channels) and out, all with Par lanes per beat,
// lane i at bits [(i+1)*W-1 : i*W]. Per pixel the core takes ChannelsA/Par beats from a, then
// ChannelsB/Par beats from b, and sends them on in that order; out tlast is b's tlast. The two
// inputs are consumed alternately, so whoever feeds them must buffer one while the other is read
// (the inputs usually come from two branches fed by one fork).
//
// Latency and cycle model: one beat per cycle; one register stage plus the output skid buffer.
`default_nettype none

module concat #(
  parameter integer Par       = 1,   // lanes per beat; divides ChannelsA and ChannelsB
  parameter integer ChannelsA = 4,   // channels of input a
  parameter integer ChannelsB = 4,   // channels of input b
  parameter integer AW        = 16,  // code width of a
  parameter integer ASigned   = 1,   // 1: a is two's complement; 0: unsigned
  parameter integer AFrac     = 8,   // fraction bits of a
  parameter integer BW        = 16,  // code width of b
  parameter integer BSigned   = 1,   // 1: b is two's complement; 0: unsigned
  parameter integer BFrac     = 8,   // fraction bits of b
  parameter integer OutW      = 16,  // output code width
  parameter integer OutSigned = 1,   // 1: output is two's complement; 0: unsigned
  parameter integer OutFrac   = 8    // fraction bits of the output
) (
  input  wire                clk_i,         // clock, rising edge
  input  wire                rst_ni,        // synchronous reset, active low

  // input stream a: first channels of every pixel
  input  wire                a_tvalid_i,    // a beat valid
  output wire                a_tready_o,    // a beat taken (registered ready, gated by turn)
  input  wire [Par*AW-1:0]   a_tdata_i,     // Par codes of a
  input  wire                a_tlast_i,     // last beat of a frame (ignored: b's marks the end)

  // input stream b: last channels of every pixel
  input  wire                b_tvalid_i,    // b beat valid
  output wire                b_tready_o,    // b beat taken (registered ready, gated by turn)
  input  wire [Par*BW-1:0]   b_tdata_i,     // Par codes of b
  input  wire                b_tlast_i,     // last beat of a frame

  // output stream
  output wire                out_tvalid_o,  // output beat valid (registered)
  input  wire                out_tready_i,  // downstream takes the beat
  output wire [Par*OutW-1:0] out_tdata_o,   // Par output codes
  output wire                out_tlast_o    // last beat of a frame
);

  generate
    if (Par < 1 || ChannelsA < Par ||
        ChannelsB < Par || ChannelsA % Par != 0 || ChannelsB % Par != 0) begin : gen_param_error_par
      initial begin
        $display("concat: parameter error: Par (%0d) must divide ChannelsA (%0d), ChannelsB (%0d)",
                 Par, ChannelsA, ChannelsB);
        $finish;
      end
      concat_error_par_must_divide_channels u_param_error ();
    end
    if (AW < 1 || BW < 1 || OutW < 1 + OutSigned) begin : gen_param_error_width
      initial begin
        $display("concat: parameter error: AW, BW must be >= 1 and OutW >= 1 + OutSigned");
        $finish;
      end
      concat_error_widths_must_be_positive u_param_error ();
    end
  endgenerate

  localparam integer NA  = ChannelsA / Par;  // beats of a per pixel
  localparam integer NB  = ChannelsB / Par;  // beats of b per pixel
  localparam integer NM  = (NA > NB) ? NA : NB;
  localparam integer CW  = (NM > 1) ? $clog2(NM) : 1;
  localparam integer LastAI = NA - 1;
  localparam integer LastBI = NB - 1;
  localparam [CW-1:0] LastA = LastAI[CW-1:0];
  localparam [CW-1:0] LastB = LastBI[CW-1:0];

  // ---- turn taking ----------------------------------------------------------------------------
  wire adv;          // the skid buffer takes a beat (registered)
  reg  sel_q;        // 0: reading a, 1: reading b
  reg  [CW-1:0] cnt_q;  // beat within the current input's part of the pixel
  wire in_valid = sel_q ? b_tvalid_i : a_tvalid_i;
  wire fire = in_valid && adv;
  wire part_done = cnt_q == (sel_q ? LastB : LastA);
  wire unused_a_last = a_tlast_i;

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      sel_q <= 1'b0;
      cnt_q <= {CW{1'b0}};
    end else if (fire) begin
      cnt_q <= part_done ? {CW{1'b0}} : cnt_q + 1'b1;
      if (part_done) sel_q <= !sel_q;
    end
  end

  reg valid_q;
  reg last_q;
  always @(posedge clk_i) begin
    if (!rst_ni) valid_q <= 1'b0;
    else if (adv) valid_q <= in_valid;
  end
  always @(posedge clk_i) begin
    if (adv) last_q <= sel_q && b_tlast_i;
  end

  // ---- lanes: requantize both inputs, keep the one whose turn it is -----------------------------
  wire [Par*OutW-1:0] y;
  genvar i;
  generate
    for (i = 0; i < Par; i = i + 1) begin : gen_lane
      wire [OutW-1:0] ya;
      wire [OutW-1:0] yb;
      requant #(
        .InW      (AW),
        .InSigned (ASigned),
        .OutW     (OutW),
        .OutSigned(OutSigned),
        .Shift    (AFrac - OutFrac)
      ) u_round_a (
        .x_i(a_tdata_i[i*AW +: AW]),
        .y_o(ya)
      );
      requant #(
        .InW      (BW),
        .InSigned (BSigned),
        .OutW     (OutW),
        .OutSigned(OutSigned),
        .Shift    (BFrac - OutFrac)
      ) u_round_b (
        .x_i(b_tdata_i[i*BW +: BW]),
        .y_o(yb)
      );
      reg [OutW-1:0] y_q;
      always @(posedge clk_i) begin
        if (fire) y_q <= sel_q ? yb : ya;
      end
      assign y[i*OutW +: OutW] = y_q;
    end
  endgenerate

  skid_buffer #(
    .DataW(Par * OutW)
  ) u_out_skid (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .in_tvalid_i(valid_q),
    .in_tready_o(adv),
    .in_tdata_i (y),
    .in_tlast_i (last_q),
    .out_tvalid_o(out_tvalid_o),
    .out_tready_i(out_tready_i),
    .out_tdata_o (out_tdata_o),
    .out_tlast_o (out_tlast_o)
  );

  assign a_tready_o = adv && !sel_q;
  assign b_tready_o = adv && sel_q;

endmodule

`default_nettype wire
