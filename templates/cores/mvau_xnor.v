// mvau_xnor: the binary (XNOR-popcount) matrix-vector unit: a folded binary convolution /
// fully connected layer over an input that sliding_window has already turned into MW-long
// vectors.
//
// What it computes, per pixel (one input vector x of MW bits, bit 1 = +1, bit 0 = -1):
//     acc[c] = sum over sf < SF of  (pad(sf) ? 0 : 2*popcount(~(x_sf ^ w[c][sf*SIMD +: SIMD])) - SIMD)
// for every output channel c < MH, where x_sf is input beat sf (SIMD bits) and pad(sf) its pad
// flag. This is the +-1 dot product of x and row c of the weight matrix, with padded beats
// counting as zeros. OutMode "acc" emits acc[c]; OutMode "thresh" emits acc[c] >= T[c].
//
// Folding: SF = MW/SIMD input beats per pixel, NF = MH/PE output beats per pixel.
// Input stream in: tdata = {pad, SIMD activation bits} (bit j = element sf*SIMD + j; pad flag at
//   bit SIMD: 1 = this beat is zero padding), SF beats per pixel, tlast on the frame's last beat.
//   The unit reads each beat once (nf = 0) and replays it from a buffer for nf > 0.
// Output stream out: NF beats per pixel, beat nf = channels nf*PE .. nf*PE+PE-1, lane p = channel
//   nf*PE + p. OutMode "acc": lane p = acc, AccW bits signed, at [(p+1)*AccW-1 : p*AccW].
//   OutMode "thresh": bit p = (acc >= T[nf*PE+p]), T = ThreshFile ($readmemh, one AccW-bit
//   two's-complement value per output channel, channel order). tlast on the frame's last beat.
// Weights (bit 1 = +1): WeightFile != "": a $readmemh file of NF*SF words of PE*SIMD bits; word
//   nf*SF + sf holds lane p (row nf*PE + p) at bits [(p+1)*SIMD-1 : p*SIMD], and bit j of a lane
//   is weight element sf*SIMD + j of that row. WeightFile == "": the same words arrive on the
//   weight stream w, one per step, in word order, repeated for every pixel.
//
// Cycle model: one (nf, sf) step per clock: NF*SF cycles per pixel in steady state (the input
// is read during the nf = 0 steps, SF of them). Latency from a pixel's last needed beat to its
// output beat: 1 (issue) + PopStages + 1 (result) + 1 (output register) cycles. Back-pressure
// stalls the whole pipeline; ready paths are registered (see mvau_out.v: one output register for
// SF >= 2, a skid_buffer for SF = 1).
// Accumulation trick: acc starts at -MW and adds (pad ? SIMD : 2*popcount) per step, which is the
// formula above with one carry chain of AccW LUTs per PE.
//
// Parameter constraints: MW % SIMD == 0, MH % PE == 0, clog2(MW+1)+1 <= AccW <= 32,
// OutMode "acc" or "thresh" (then ThreshFile is required), PopStages >= 0.
`default_nettype none

module mvau_xnor #(
  parameter integer   MW         = 16,                  // matrix width: K*K*Cin inputs per channel
  parameter integer   MH         = 4,                   // matrix height: Cout output channels
  parameter integer   PE         = 1,                   // output channels per beat (divides MH)
  parameter integer   SIMD       = 8,                   // input bits per beat (divides MW)
  parameter integer   AccW       = $clog2(MW + 1) + 1,  // accumulator width (signed)
  parameter           WeightFile = "",                  // $readmemh weights; "" = weight stream
  parameter [8*8-1:0] OutMode    = "acc",               // "acc" or "thresh"
  parameter           ThreshFile = "",                  // $readmemh thresholds (OutMode "thresh")
  parameter integer   PopStages  = 1,                   // pipeline stages of the popcount trees
  parameter [8*8-1:0] RomStyle   = "block"              // weight ROM: "block" RAM or "auto"
) (
  input  wire                      clk_i,         // clock, rising edge
  input  wire                      rst_ni,        // synchronous reset, active low

  // input stream: {pad, SIMD activation bits}
  input  wire                      in_tvalid_i,   // input beat valid
  output wire                      in_tready_o,   // input beat taken
  input  wire [SIMD:0]             in_tdata_i,    // {pad flag, activations}
  input  wire                      in_tlast_i,    // last beat of the frame

  // weight stream (WeightFile == "" only; tie off otherwise)
  input  wire                      w_tvalid_i,    // weight word valid
  output wire                      w_tready_o,    // weight word taken
  input  wire [PE*SIMD-1:0]        w_tdata_i,     // weight word of the current step
  input  wire                      w_tlast_i,     // ignored

  // output stream
  output wire                      out_tvalid_o,  // output beat valid
  input  wire                      out_tready_i,  // downstream takes the beat
  output wire [((OutMode == {16'h0000, "thresh"}) ? PE : PE*AccW)-1:0] out_tdata_o,  // acc or bits
  output wire                      out_tlast_o    // last beat of the frame
);

  localparam integer NF   = MH / PE;
  localparam integer NfW  = (NF > 1) ? $clog2(NF) : 1;
  localparam integer PopW = $clog2(SIMD + 1);

  generate
    if (AccW < $clog2(MW + 1) + 1 || AccW > 32 || PopStages < 0) begin : gen_param_error
      initial begin
        $display("mvau_xnor: parameter error: need clog2(MW+1)+1 <= AccW <= 32 (MW %0d, AccW %0d), PopStages >= 0 (%0d)",
                 MW, AccW, PopStages);
        $finish;
      end
      mvau_xnor_error_accw_too_small u_param_error ();
    end
  endgenerate

  wire                 en;
  wire                 step_valid;
  wire [SIMD-1:0]      act;
  wire                 pad;
  wire [PE*SIMD-1:0]   wgt;
  wire                 last;
  wire [NfW-1:0]       nf;
  wire                 tlast;

  mvau_feed #(
    .MW        (MW),
    .MH        (MH),
    .PE        (PE),
    .SIMD      (SIMD),
    .ElemW     (1),
    .WElemW    (1),
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

  // side band, delayed alongside the popcount pipeline
  wire           d_valid;
  wire           d_pad;
  wire           d_last;
  wire           d_tlast;
  wire [NfW-1:0] d_nf;

  delay_line #(
    .DataW (NfW + 4),
    .Stages(PopStages)
  ) u_side (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .en_i  (en),
    .d_i   ({nf, tlast, last, pad, step_valid}),
    .d_o   ({d_nf, d_tlast, d_last, d_pad, d_valid})
  );

  // per PE: popcount of XNOR, then the step's addend pad ? SIMD : 2*popcount
  localparam [31:0] Simd32 = SIMD;
  wire [PE*AccW-1:0] contrib;

  genvar p;
  generate
    for (p = 0; p < PE; p = p + 1) begin : gen_pe
      wire [PopW-1:0] pop;
      xnor_popcount #(
        .Width (SIMD),
        .Stages(PopStages)
      ) u_pop (
        .clk_i(clk_i),
        .en_i (en),
        .a_i  (act),
        .w_i  (wgt[p*SIMD +: SIMD]),
        .cnt_o(pop)
      );
      wire [AccW:0] two_pop = {{(AccW - PopW){1'b0}}, pop, 1'b0};
      wire          unused_two_pop_hi = two_pop[AccW];
      assign contrib[p*AccW +: AccW] = d_pad ? Simd32[AccW-1:0] : two_pop[AccW-1:0];
    end
  endgenerate

  mvau_out #(
    .MH        (MH),
    .PE        (PE),
    .AccW      (AccW),
    .AccInit   (-MW),
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
