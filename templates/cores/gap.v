// gap: global average pool, [C, H, W] map stream -> [C, 1, 1] vector stream.
//
// What it computes (src/ref/ops/gap.ts, integer interpretation): for every channel c,
//   S[c] = sum of x[c][y][x] over the Height*Width pixels   (exact, SumW bits)
//   out[c] = saturate(shiftRound(S[c] * Recip, Shift))       (rounding and saturation: requant.v)
// Recip and Shift are compile-time constants (the rounded reciprocal of Height*Width, scaled).
//
// How: the sums live in a memory of Channels/Par words (Par lanes each), read and written once
// per input beat (a write of the previous beat to the address being read is forwarded). After
// the frame's last beat the core stops taking input and sends the Channels/Par output beats,
// then takes the next frame.
//
// Streams: in (InW-bit codes, the map: pixels row-major, a pixel's channels in Channels/Par beats,
// beat b carrying channels b*Par ..) and out (OutW-bit codes, the vector: Channels/Par beats,
// tlast on the last), Par lanes per beat, lane i at bits [(i+1)*W-1 : i*W]. in tlast is not
// needed (the frame size is fixed).
//
// Latency and cycle model: Height*Width*Channels/Par + Channels/Par cycles per frame (input,
// then output), as src/ir/ops/gap.ts; the output pipeline adds 3 cycles plus the skid buffer.
`default_nettype none

module gap #(
  parameter integer Par       = 1,      // lanes per beat; divides Channels
  parameter integer Channels  = 4,      // channels C
  parameter integer Pixels    = 16,     // pixels per frame, Height*Width
  parameter integer InW       = 16,     // input code width
  parameter integer InSigned  = 1,      // 1: input codes are two's complement; 0: unsigned
  parameter integer Recip     = 32768,  // reciprocal multiplier (positive)
  parameter integer Shift     = 19,     // fraction bits removed after the multiplication
  parameter integer OutW      = 16,     // output code width
  parameter integer OutSigned = 1       // 1: output is two's complement; 0: unsigned
) (
  input  wire                clk_i,         // clock, rising edge
  input  wire                rst_ni,        // synchronous reset, active low

  // input stream: the map
  input  wire                in_tvalid_i,   // input beat valid
  output wire                in_tready_o,   // core accepts the beat (registered)
  input  wire [Par*InW-1:0]  in_tdata_i,    // Par input codes
  input  wire                in_tlast_i,    // last beat of a frame (not needed)

  // output stream: the vector
  output wire                out_tvalid_o,  // output beat valid (registered)
  input  wire                out_tready_i,  // downstream takes the beat
  output wire [Par*OutW-1:0] out_tdata_o,   // Par averages
  output wire                out_tlast_o    // last beat of the vector
);

  generate
    if (Par < 1 || Channels % Par != 0 || Pixels < 1) begin : gen_param_error_shape
      initial begin
        $display("gap: parameter error: Par (%0d) must divide Channels (%0d), Pixels >= 1",
                 Par, Channels);
        $finish;
      end
      gap_error_par_must_divide_channels u_param_error ();
    end
    if (Recip < 1 || InW < 1 || OutW < 1 + OutSigned) begin : gen_param_error_value
      initial begin
        $display("gap: parameter error: Recip (%0d) must be >= 1, InW >= 1, OutW >= 1 + OutSigned",
                 Recip);
        $finish;
      end
      gap_error_bad_recip_or_width u_param_error ();
    end
  endgenerate

  localparam integer XW   = InW + ((InSigned != 0) ? 0 : 1);   // input as signed
  localparam integer SumW = XW + ((Pixels > 1) ? $clog2(Pixels) : 0);  // exact sum
  localparam integer RcW  = $clog2(Recip + 1);                  // Recip as unsigned
  localparam integer PW   = SumW + RcW + 1;                     // exact product
  localparam integer NB   = Channels / Par;                     // beats per pixel
  localparam integer BW   = (NB > 1) ? $clog2(NB) : 1;
  localparam integer XPW  = (Pixels > 1) ? $clog2(Pixels) : 1;
  localparam integer LastBI = NB - 1;
  localparam integer LastPI = Pixels - 1;
  localparam [BW-1:0]  LastB = LastBI[BW-1:0];
  localparam [XPW-1:0] LastP = LastPI[XPW-1:0];
  localparam [RcW-1:0] RecipV = Recip[RcW-1:0];

  // ---- control --------------------------------------------------------------------------------
  wire adv;  // the skid buffer takes a beat (registered); every stage moves with it
  reg  out_q;            // 0: summing the map, 1: sending the averages
  reg  [BW-1:0]  b_q;    // input beat within the pixel
  reg  [XPW-1:0] pix_q;  // input pixel
  reg  [BW-1:0]  ob_q;   // output beat
  wire fire = in_tvalid_i && adv && !out_q;
  wire in_end = (b_q == LastB) && (pix_q == LastP);
  wire ob_end = ob_q == LastB;
  wire unused_in_last = in_tlast_i;

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      out_q <= 1'b0;
      b_q   <= {BW{1'b0}};
      pix_q <= {XPW{1'b0}};
      ob_q  <= {BW{1'b0}};
    end else if (out_q) begin
      if (adv) begin
        ob_q <= ob_end ? {BW{1'b0}} : ob_q + 1'b1;
        if (ob_end) out_q <= 1'b0;
      end
    end else if (fire) begin
      b_q <= (b_q == LastB) ? {BW{1'b0}} : b_q + 1'b1;
      if (b_q == LastB) pix_q <= (pix_q == LastP) ? {XPW{1'b0}} : pix_q + 1'b1;
      if (in_end) out_q <= 1'b1;
    end
  end

  // stage 1: the beat (summing) or the issued read (sending); the sum memory's read register
  reg            acc1_q;    // stage 1 holds an input beat
  reg            first1_q;  // ... of the frame's first pixel
  reg  [BW-1:0]  b1_q;
  reg            out1_q, out2_q, out3_q;  // stage k holds an output beat
  reg            last1_q, last2_q, last3_q;
  always @(posedge clk_i) begin
    if (!rst_ni) begin
      acc1_q <= 1'b0;
      out1_q <= 1'b0;
      out2_q <= 1'b0;
      out3_q <= 1'b0;
    end else if (adv) begin
      acc1_q <= fire;
      out1_q <= out_q;
      out2_q <= out1_q;
      out3_q <= out2_q;
    end
  end
  always @(posedge clk_i) begin
    if (adv) begin
      first1_q <= pix_q == {XPW{1'b0}};
      b1_q     <= b_q;
      last1_q  <= ob_end;
      last2_q  <= last1_q;
      last3_q  <= last2_q;
    end
  end

  // ---- the sum memory ---------------------------------------------------------------------------
  wire [BW-1:0] raddr = out_q ? ob_q : b_q;
  wire forward = acc1_q && (b1_q == raddr);  // the write of this cycle goes to the read address
  wire [Par*SumW-1:0] wsum;
  reg  [Par*SumW-1:0] sum_mem [0:NB-1];
  reg  [Par*SumW-1:0] rd_q;
  always @(posedge clk_i) begin
    if (adv) begin
      rd_q <= forward ? wsum : sum_mem[raddr];
      if (acc1_q) sum_mem[b1_q] <= wsum;
    end
  end

  // ---- lanes ----------------------------------------------------------------------------------
  wire [Par*OutW-1:0] y;
  genvar i;
  generate
    for (i = 0; i < Par; i = i + 1) begin : gen_lane
      wire [InW-1:0] x_in = in_tdata_i[i*InW +: InW];
      wire [XW-1:0]  x_ext;
      if (InSigned != 0) begin : gen_signed
        assign x_ext = x_in;
      end else begin : gen_unsigned
        assign x_ext = {1'b0, x_in};
      end
      reg [XW-1:0] x1_q;
      always @(posedge clk_i) begin
        if (fire) x1_q <= x_ext;
      end
      wire [SumW-1:0] old = first1_q ? {SumW{1'b0}} : rd_q[i*SumW +: SumW];
      wire [SumW-1:0] x_sum;
      if (SumW > XW) begin : gen_extend
        assign x_sum = {{(SumW - XW){x1_q[XW-1]}}, x1_q};
      end else begin : gen_same
        assign x_sum = x1_q;
      end
      assign wsum[i*SumW +: SumW] = old + x_sum;

      // output: S * Recip, then round and saturate
      reg signed [PW-1:0] prod_q;
      always @(posedge clk_i) begin
        if (adv) prod_q <= $signed(rd_q[i*SumW +: SumW]) * $signed({1'b0, RecipV});
      end
      wire [OutW-1:0] yr;
      requant #(
        .InW      (PW),
        .InSigned (1),
        .OutW     (OutW),
        .OutSigned(OutSigned),
        .Shift    (Shift)
      ) u_round (
        .x_i(prod_q),
        .y_o(yr)
      );
      reg [OutW-1:0] y_q;
      always @(posedge clk_i) begin
        if (adv) y_q <= yr;
      end
      assign y[i*OutW +: OutW] = y_q;
    end
  endgenerate

  skid_buffer #(
    .DataW(Par * OutW)
  ) u_out_skid (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .in_tvalid_i(out3_q),
    .in_tready_o(adv),
    .in_tdata_i (y),
    .in_tlast_i (last3_q),
    .out_tvalid_o(out_tvalid_o),
    .out_tready_i(out_tready_i),
    .out_tdata_o (out_tdata_o),
    .out_tlast_o (out_tlast_o)
  );

  assign in_tready_o = adv && !out_q;

endmodule

`default_nettype wire
