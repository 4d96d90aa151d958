// affine: per-channel two-slope affine on a feature-map stream (BN, BN + PReLU, PReLU alone).
//
// What it computes (src/ref/ops/affine.ts, integer interpretation), for every element x of
// channel c:
//   z = x * mul[c] + add[c]                                  (2^-ZFrac units, exact)
//   if HasSlope and z < 0: z = shiftRound(z * slope[c], SlopeFrac)
//   y = saturate(shiftRound(z, ZFrac - OutFrac))             (OutW bits)
// Rounding and saturation are those of requant.v. Internal widths are derived from the
// parameters for the worst case, so no intermediate overflows for any code or constant.
//
// Streams: in (InW-bit lanes) and out (OutW-bit lanes), Par lanes per beat; a pixel's Channels
// channels come as Channels/Par beats, beat b carrying channels b*Par .. b*Par+Par-1, lane i at
// bits [(i+1)*W-1 : i*W]. tlast passes through with its beat.
//
// Constants: $readmemh files with one entry per channel in channel order, two's complement hex
// of MulW, AddW and SlopeW bits (an empty file name gives an all-zero table).
//
// Latency and cycle model: one beat per cycle; 3 register stages (4 with HasSlope) plus the
// output skid buffer. in_tready_o is a register (the skid buffer's), so no combinational path
// runs from out_tready_i to in_tready_o.
`default_nettype none

module affine #(
  parameter integer Par       = 1,   // lanes per beat; divides Channels
  parameter integer Channels  = 4,   // channels C of the map
  parameter integer InW       = 16,  // input code width
  parameter integer InSigned  = 1,   // 1: input codes are two's complement; 0: unsigned
  parameter integer MulW      = 16,  // width of the per-channel multiplier codes (signed)
  parameter integer AddW      = 32,  // width of the per-channel offset codes (signed, z units)
  parameter integer ZFrac     = 20,  // fraction bits of z
  parameter integer HasSlope  = 0,   // 1: negative side multiplied by slope[c] (PReLU)
  parameter integer SlopeW    = 16,  // width of the slope codes (signed)
  parameter integer SlopeFrac = 15,  // fraction bits of the slope codes
  parameter integer OutW      = 16,  // output code width
  parameter integer OutSigned = 1,   // 1: output is two's complement; 0: unsigned
  parameter integer OutFrac   = 8,   // fraction bits of the output
  parameter         MulFile   = "",  // $readmemh file of mul[c]
  parameter         AddFile   = "",  // $readmemh file of add[c]
  parameter         SlopeFile = ""   // $readmemh file of slope[c] (used when HasSlope = 1)
) (
  input  wire                clk_i,         // clock, rising edge
  input  wire                rst_ni,        // synchronous reset, active low

  // input stream: Par codes per beat
  input  wire                in_tvalid_i,   // input beat valid
  output wire                in_tready_o,   // core accepts the beat (registered)
  input  wire [Par*InW-1:0]  in_tdata_i,    // Par input codes, lane i at [(i+1)*InW-1 : i*InW]
  input  wire                in_tlast_i,    // last beat of a frame

  // output stream: Par codes per beat
  output wire                out_tvalid_o,  // output beat valid (registered)
  input  wire                out_tready_i,  // downstream takes the beat
  output wire [Par*OutW-1:0] out_tdata_o,   // Par output codes
  output wire                out_tlast_o    // last beat of a frame
);

  // ---- parameter legality -------------------------------------------------------------------
  generate
    if (Par < 1 || Channels < 1 || Channels % Par != 0) begin : gen_param_error_par
      initial begin
        $display("affine: parameter error: Par (%0d) must be >= 1 and divide Channels (%0d)",
                 Par, Channels);
        $finish;
      end
      affine_error_par_must_divide_channels u_param_error ();
    end
    if (InW < 1 || MulW < 1 || AddW < 1 || SlopeW < 1 ||
        OutW < 1 + OutSigned) begin : gen_param_error_width
      initial begin
        $display("affine: parameter error: widths must be >= 1 (OutW >= 1 + OutSigned)");
        $finish;
      end
      affine_error_widths_must_be_positive u_param_error ();
    end
    if (HasSlope != 0 && HasSlope != 1) begin : gen_param_error_slope
      initial begin
        $display("affine: parameter error: HasSlope (%0d) must be 0 or 1", HasSlope);
        $finish;
      end
      affine_error_has_slope_must_be_0_or_1 u_param_error ();
    end
  endgenerate

  // ---- widths -------------------------------------------------------------------------------
  localparam integer XW   = InW + ((InSigned != 0) ? 0 : 1);          // input as signed
  localparam integer PW   = XW + MulW;                                // x * mul
  localparam integer ZW   = ((PW > AddW) ? PW : AddW) + 1;            // z = x * mul + add
  localparam integer SPW  = ZW + SlopeW;                              // z * slope
  localparam integer SRW0 = (SlopeFrac > 0) ? SPW - SlopeFrac + 1 : SPW - SlopeFrac;
  localparam integer SRW  = (SRW0 < 2) ? 2 : SRW0;                    // shiftRound(z * slope)
  localparam integer FW   = (HasSlope != 0) ? ((SRW > ZW) ? SRW : ZW) : ZW;  // z entering requant
  localparam integer AW   = (Channels > 1) ? $clog2(Channels) : 1;    // channel address
  localparam integer NB   = Channels / Par;                           // beats per pixel
  localparam integer Depth = (HasSlope != 0) ? 4 : 3;                 // register stages
  localparam integer StepI = (NB > 1) ? Par : 0;
  localparam integer LastI = Channels - Par;
  localparam [AW-1:0] Step     = StepI[AW-1:0];                       // channel base step
  localparam [AW-1:0] LastBase = LastI[AW-1:0];                       // base of the last beat

  // ---- constant tables ----------------------------------------------------------------------
  reg [MulW-1:0]   mul_rom   [0:Channels-1];
  reg [AddW-1:0]   add_rom   [0:Channels-1];
  reg [SlopeW-1:0] slope_rom [0:Channels-1];
  integer init_k;
  initial begin
    if (MulFile != "") $readmemh(MulFile, mul_rom);
    else for (init_k = 0; init_k < Channels; init_k = init_k + 1) mul_rom[init_k] = {MulW{1'b0}};
    if (AddFile != "") $readmemh(AddFile, add_rom);
    else for (init_k = 0; init_k < Channels; init_k = init_k + 1) add_rom[init_k] = {AddW{1'b0}};
    if (SlopeFile != "") $readmemh(SlopeFile, slope_rom);
    else for (init_k = 0; init_k < Channels; init_k = init_k + 1)
      slope_rom[init_k] = {SlopeW{1'b0}};
  end

  // ---- pipeline control ---------------------------------------------------------------------
  // Every stage moves when the skid buffer can take a beat (adv, a register): the pipeline
  // stalls as a whole, and bubbles travel with it.
  wire adv;
  wire in_fire = in_tvalid_i && adv;
  reg  [Depth-1:0] valid_q;  // valid_q[k]: stage k+1 holds a beat
  reg  [Depth-1:0] last_q;
  reg  [AW-1:0]    base_q;   // first channel of the incoming beat

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      valid_q <= {Depth{1'b0}};
      base_q  <= {AW{1'b0}};
    end else if (adv) begin
      valid_q <= {valid_q[Depth-2:0], in_tvalid_i};
      if (in_tvalid_i) base_q <= (base_q == LastBase) ? {AW{1'b0}} : base_q + Step;
    end
  end
  always @(posedge clk_i) begin
    if (adv) last_q <= {last_q[Depth-2:0], in_tlast_i};
  end

  // ---- lanes --------------------------------------------------------------------------------
  wire [Par*OutW-1:0] y;

  genvar i;
  generate
    for (i = 0; i < Par; i = i + 1) begin : gen_lane
      localparam [AW-1:0] Lane = i;
      wire [AW-1:0] addr = base_q + Lane;
      wire [InW-1:0] x_in = in_tdata_i[i*InW +: InW];
      wire [XW-1:0]  x_ext;
      if (InSigned != 0) begin : gen_signed_in
        assign x_ext = x_in;
      end else begin : gen_unsigned_in
        assign x_ext = {1'b0, x_in};
      end

      // stage 1: input and this channel's constants (synchronous table reads)
      reg signed [XW-1:0]     x1_q;
      reg signed [MulW-1:0]   mul1_q;
      reg signed [AddW-1:0]   add1_q;
      reg signed [SlopeW-1:0] slope1_q;
      always @(posedge clk_i) begin
        if (in_fire) begin
          x1_q     <= x_ext;
          mul1_q   <= mul_rom[addr];
          add1_q   <= add_rom[addr];
          slope1_q <= slope_rom[addr];
        end
      end

      // stage 2: z = x * mul + add
      wire signed [PW-1:0] prod = x1_q * mul1_q;
      wire signed [ZW-1:0] z = {{(ZW - PW){prod[PW-1]}}, prod}
                             + {{(ZW - AddW){add1_q[AddW-1]}}, add1_q};
      reg  signed [ZW-1:0] z2_q;
      reg  signed [SlopeW-1:0] slope2_q;
      always @(posedge clk_i) begin
        if (adv) begin
          z2_q     <= z;
          slope2_q <= slope1_q;
        end
      end

      // stage 3 (HasSlope): the negative side times the slope
      wire [FW-1:0] zf;
      if (HasSlope != 0) begin : gen_slope
        wire signed [SPW-1:0] zs_prod = z2_q * slope2_q;
        wire [SRW-1:0] zs;
        requant #(
          .InW      (SPW),
          .InSigned (1),
          .OutW     (SRW),
          .OutSigned(1),
          .Shift    (SlopeFrac)
        ) u_slope_round (
          .x_i(zs_prod),
          .y_o(zs)
        );
        reg signed [FW-1:0] z3_q;
        always @(posedge clk_i) begin
          if (adv) z3_q <= z2_q[ZW-1] ? {{(FW - SRW){zs[SRW-1]}}, zs}
                                      : {{(FW - ZW){z2_q[ZW-1]}}, z2_q};
        end
        assign zf = z3_q;
      end else begin : gen_no_slope
        assign zf = z2_q;
        // the slope table is not used without HasSlope
        wire unused_slope = ^slope2_q;
      end

      // last stage: round to the output format and saturate
      wire [OutW-1:0] yr;
      requant #(
        .InW      (FW),
        .InSigned (1),
        .OutW     (OutW),
        .OutSigned(OutSigned),
        .Shift    (ZFrac - OutFrac)
      ) u_out_round (
        .x_i(zf),
        .y_o(yr)
      );
      reg [OutW-1:0] y_q;
      always @(posedge clk_i) begin
        if (adv) y_q <= yr;
      end
      assign y[i*OutW +: OutW] = y_q;
    end
  endgenerate

  // ---- output skid buffer -------------------------------------------------------------------
  skid_buffer #(
    .DataW(Par * OutW)
  ) u_out_skid (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .in_tvalid_i(valid_q[Depth-1]),
    .in_tready_o(adv),
    .in_tdata_i (y),
    .in_tlast_i (last_q[Depth-1]),
    .out_tvalid_o(out_tvalid_o),
    .out_tready_i(out_tready_i),
    .out_tdata_o (out_tdata_o),
    .out_tlast_o (out_tlast_o)
  );

  assign in_tready_o = adv;

endmodule

`default_nettype wire
