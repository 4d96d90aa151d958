// mvau_int: the multi-bit matrix-vector unit (signed activations x signed weights), with the same
// folding, streams, schedule and output stage as mvau_xnor. Used for the real-valued stem
// convolution and for BNext-18's 1x1 downsample convolution.
//
// What it computes, per pixel (input vector x of MW signed InW-bit elements):
//     acc[c] = sum over sf < SF of  (pad(sf) ? 0 : sum over j < SIMD of x[sf*SIMD + j] * w[c][sf*SIMD + j])
// (mod 2**AccW, signed) for every output channel c < MH; padded beats are skipped.
// OutMode "acc" emits acc[c]; OutMode "thresh" emits acc[c] >= T[c].
//
// Folding: SF = MW/SIMD input beats per pixel, NF = MH/PE output beats per pixel.
// Input stream in: tdata = {pad, SIMD lanes of InW-bit signed elements} (lane j = element
//   sf*SIMD + j at [(j+1)*InW-1 : j*InW]; pad flag at bit SIMD*InW), SF beats per pixel, tlast on
//   the frame's last beat. Each beat is read once per pixel and replayed for nf > 0.
// Output stream out: NF beats per pixel, lane p = channel nf*PE + p. OutMode "acc": AccW-bit
//   signed lanes at [(p+1)*AccW-1 : p*AccW]; OutMode "thresh": bit p = (acc >= T[nf*PE+p]),
//   T = ThreshFile ($readmemh, one AccW-bit two's-complement value per channel, channel order).
//   tlast on the frame's last beat.
// Weights (signed WeightW-bit): WeightFile != "": $readmemh file of NF*SF words of
//   PE*SIMD*WeightW bits; word nf*SF + sf holds lane p (row nf*PE + p) at
//   [(p+1)*SIMD*WeightW-1 : p*SIMD*WeightW], and element j of a lane (input sf*SIMD + j) at
//   [(j+1)*WeightW-1 : j*WeightW] inside it. WeightFile == "": the same words on the weight
//   stream w, one per step, in word order, repeated for every pixel.
//
// Cycle model: one (nf, sf) step per clock: NF*SF cycles per pixel in steady state. Latency from
// a pixel's last needed beat to its output beat: 1 (issue) + 1 (dot product) + 1 (result) + 1
// (output register) cycles. Back-pressure stalls the whole pipeline; ready paths are registered.
//
// Parameter constraints: MW % SIMD == 0, MH % PE == 0, InW >= 2, WeightW >= 2, AccW >= 2
// (default InW + WeightW + clog2(MW) never wraps), OutMode "acc" or "thresh" (with ThreshFile).
`default_nettype none

module mvau_int #(
  parameter integer   MW         = 27,                                // matrix width: K*K*Cin
  parameter integer   MH         = 4,                                 // matrix height: Cout
  parameter integer   PE         = 1,                                 // channels per beat (divides MH)
  parameter integer   SIMD       = 3,                                 // elements per beat (divides MW)
  parameter integer   InW        = 8,                                 // activation bits (signed)
  parameter integer   WeightW    = 8,                                 // weight bits (signed)
  parameter integer   AccW       = InW + WeightW + $clog2(MW),        // accumulator bits (signed)
  parameter           WeightFile = "",                                // $readmemh weights; "" = stream
  parameter [8*8-1:0] OutMode    = "acc",                             // "acc" or "thresh"
  parameter           ThreshFile = "",                                // thresholds (OutMode "thresh")
  parameter [8*8-1:0] RomStyle   = "block"                            // weight ROM: "block" RAM or "auto"
) (
  input  wire                        clk_i,         // clock, rising edge
  input  wire                        rst_ni,        // synchronous reset, active low

  // input stream: {pad, SIMD signed elements}
  input  wire                        in_tvalid_i,   // input beat valid
  output wire                        in_tready_o,   // input beat taken
  input  wire [SIMD*InW:0]           in_tdata_i,    // {pad flag, elements}
  input  wire                        in_tlast_i,    // last beat of the frame

  // weight stream (WeightFile == "" only; tie off otherwise)
  input  wire                        w_tvalid_i,    // weight word valid
  output wire                        w_tready_o,    // weight word taken
  input  wire [PE*SIMD*WeightW-1:0]  w_tdata_i,     // weight word of the current step
  input  wire                        w_tlast_i,     // ignored

  // output stream
  output wire                        out_tvalid_o,  // output beat valid
  input  wire                        out_tready_i,  // downstream takes the beat
  output wire [((OutMode == {16'h0000, "thresh"}) ? PE : PE*AccW)-1:0] out_tdata_o,  // acc or bits
  output wire                        out_tlast_o    // last beat of the frame
);

  localparam integer NF    = MH / PE;
  localparam integer NfW   = (NF > 1) ? $clog2(NF) : 1;
  localparam integer DotW  = InW + WeightW + $clog2(SIMD);  // exact width of one beat's dot product
  localparam integer LaneW = SIMD * WeightW;                // weight bits per PE

  generate
    if (InW < 2 || WeightW < 2 || AccW < 2) begin : gen_param_error
      initial begin
        $display("mvau_int: parameter error: need InW >= 2 (%0d), WeightW >= 2 (%0d), AccW >= 2 (%0d)", InW, WeightW, AccW);
        $finish;
      end
      mvau_int_error_widths_too_small u_param_error ();
    end
  endgenerate

  wire                       en;
  wire                       step_valid;
  wire [SIMD*InW-1:0]        act;
  wire                       pad;
  wire [PE*LaneW-1:0]        wgt;
  wire                       last;
  wire [NfW-1:0]             nf;
  wire                       tlast;

  mvau_feed #(
    .MW        (MW),
    .MH        (MH),
    .PE        (PE),
    .SIMD      (SIMD),
    .ElemW     (InW),
    .WElemW    (WeightW),
    .WeightFile(WeightFile),
    .RomStyle  (RomStyle)
  ) u_feed (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .en_i        (en),
    .in_tvalid_i (in_tvalid_i),
    .in_tready_o (in_tready_o),
    .in_tdata_i  (in_tdata_i),
    .in_tlast_i  (in_tlast_i),
    .w_tvalid_i  (w_tvalid_i),
    .w_tready_o  (w_tready_o),
    .w_tdata_i   (w_tdata_i),
    .w_tlast_i   (w_tlast_i),
    .step_valid_o(step_valid),
    .act_o       (act),
    .pad_o       (pad),
    .wgt_o       (wgt),
    .last_o      (last),
    .nf_o        (nf),
    .tlast_o     (tlast)
  );

  // side band, delayed alongside the one-stage dot product
  wire           d_valid;
  wire           d_pad;
  wire           d_last;
  wire           d_tlast;
  wire [NfW-1:0] d_nf;

  delay_line #(
    .DataW (NfW + 4),
    .Stages(1)
  ) u_side (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .en_i  (en),
    .d_i   ({nf, tlast, last, pad, step_valid}),
    .d_o   ({d_nf, d_tlast, d_last, d_pad, d_valid})
  );

  wire [PE*AccW-1:0] contrib;

  genvar p;
  generate
    for (p = 0; p < PE; p = p + 1) begin : gen_pe
      // dot product of one beat, registered: sum_j x_j * w_j with both sign-extended to DotW
      reg  [DotW-1:0] dot;
      reg  [DotW-1:0] dot_q;
      reg  [DotW-1:0] x_ext;
      reg  [DotW-1:0] w_ext;
      integer j;
      always @* begin
        dot = {DotW{1'b0}};
        for (j = 0; j < SIMD; j = j + 1) begin
          x_ext = {{(DotW - InW){act[j*InW + InW - 1]}}, act[j*InW +: InW]};
          w_ext = {{(DotW - WeightW){wgt[p*LaneW + j*WeightW + WeightW - 1]}}, wgt[p*LaneW + j*WeightW +: WeightW]};
          dot   = dot + x_ext * w_ext;
        end
      end
      always @(posedge clk_i) begin
        if (en) dot_q <= dot;
      end

      // addend: 0 for a padded beat, else the dot product, sign-extended (or wrapped) to AccW
      wire [AccW-1:0] dot_acc;
      if (AccW > DotW) begin : gen_sext
        assign dot_acc = {{(AccW - DotW){dot_q[DotW-1]}}, dot_q};
      end else begin : gen_wrap
        assign dot_acc = dot_q[AccW-1:0];
        if (AccW < DotW) begin : gen_unused
          wire unused_dot_hi = ^dot_q[DotW-1:AccW];
        end
      end
      assign contrib[p*AccW +: AccW] = d_pad ? {AccW{1'b0}} : dot_acc;
    end
  endgenerate

  mvau_out #(
    .MH        (MH),
    .PE        (PE),
    .AccW      (AccW),
    .AccInit   (0),
    .OutMode   (OutMode),
    .ThreshFile(ThreshFile),
    .Steps     (MW / SIMD)
  ) u_out (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .en_o        (en),
    .step_valid_i(d_valid),
    .last_i      (d_last),
    .tlast_i     (d_tlast),
    .nf_i        (d_nf),
    .contrib_i   (contrib),
    .out_tvalid_o(out_tvalid_o),
    .out_tready_i(out_tready_i),
    .out_tdata_o (out_tdata_o),
    .out_tlast_o (out_tlast_o)
  );

endmodule

`default_nettype wire
