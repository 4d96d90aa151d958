// gate: SE channel gate fused with BN2, out[c][y][x] = x[c][y][x] * g[c] * scale[c] + shift[c].
//
// What it computes (src/ref/ops/gate.ts, integer interpretation), per frame:
//   k[c] = g[c] * scale[c]                              (once per frame per channel, exact)
//   z    = x * k[c] + shift[c]                          (2^-(XFrac+GFrac+ScaleFrac) units, exact)
//   y    = saturate(shiftRound(z, XFrac + GFrac + ScaleFrac - OutFrac))   (requant.v)
//
// How: each frame has two phases. Load: the core takes the whole gate vector g (Channels/GPar
// beats) and stores {shift[c], k[c]} per channel in a memory of Channels/Par words. Stream: it
// takes the map (Pixels * Channels/Par beats) and sends the result beat for beat. The g stream
// must therefore deliver the vector before the map is consumed, and the map's producer must
// buffer it meanwhile.
//
// Streams: x (map: pixels row-major, a pixel's channels in Channels/Par beats, beat b carrying
// channels b*Par ..), g (the [Channels, 1, 1] vector, GPar lanes per beat) and out (like x); lane
// i at bits [(i+1)*W-1 : i*W]. out tlast is x's tlast; g's tlast is not needed.
//
// Constants: $readmemh files with one entry per channel in channel order: ScaleFile ScaleW-bit
// and ShiftFile ShiftW-bit two's complement hex (an empty name gives an all-zero table).
//
// Latency and cycle model: Channels/GPar (load) + Pixels*Channels/Par (stream) cycles per frame;
// the stream phase has 3 register stages plus the output skid buffer. (src/ir/ops/gate.ts
// counts the stream phase only.)
`default_nettype none

module gate #(
  parameter integer Par       = 1,   // map lanes per beat; divides Channels
  parameter integer GPar      = 1,   // gate lanes per beat; divides Par
  parameter integer Channels  = 4,   // channels C
  parameter integer Pixels    = 16,  // pixels per frame, Height*Width
  parameter integer InW       = 16,  // map code width
  parameter integer InSigned  = 1,   // 1: map codes are two's complement; 0: unsigned
  parameter integer XFrac     = 8,   // fraction bits of the map
  parameter integer GW        = 13,  // gate code width
  parameter integer GSigned   = 0,   // 1: gate codes are two's complement; 0: unsigned (sigmoid)
  parameter integer GFrac     = 12,  // fraction bits of the gate
  parameter integer ScaleW    = 16,  // width of the scale codes (signed)
  parameter integer ScaleFrac = 14,  // fraction bits of the scale codes
  parameter integer ShiftW    = 40,  // width of the shift codes (signed, z units)
  parameter integer OutW      = 16,  // output code width
  parameter integer OutSigned = 1,   // 1: output is two's complement; 0: unsigned
  parameter integer OutFrac   = 8,   // fraction bits of the output
  parameter         ScaleFile = "",  // $readmemh file of scale[c]
  parameter         ShiftFile = ""   // $readmemh file of shift[c]
) (
  input  wire                clk_i,         // clock, rising edge
  input  wire                rst_ni,        // synchronous reset, active low

  // input stream x: the map
  input  wire                x_tvalid_i,    // map beat valid
  output wire                x_tready_o,    // core takes the beat (stream phase)
  input  wire [Par*InW-1:0]  x_tdata_i,     // Par map codes
  input  wire                x_tlast_i,     // last beat of the frame

  // input stream g: the gate vector
  input  wire                g_tvalid_i,    // gate beat valid
  output wire                g_tready_o,    // core takes the beat (load phase)
  input  wire [GPar*GW-1:0]  g_tdata_i,     // GPar gate codes
  input  wire                g_tlast_i,     // last beat of the vector (not needed)

  // output stream
  output wire                out_tvalid_o,  // output beat valid (registered)
  input  wire                out_tready_i,  // downstream takes the beat
  output wire [Par*OutW-1:0] out_tdata_o,   // Par output codes
  output wire                out_tlast_o    // last beat of the frame
);

  generate
    if (Par < 1 || GPar < 1 ||
        Channels % Par != 0 || Par % GPar != 0 || Pixels < 1) begin : gen_param_error_shape
      initial begin
        $display("gate: parameter error: Par (%0d) must divide Channels (%0d), GPar (%0d) Par",
                 Par, Channels, GPar);
        $finish;
      end
      gate_error_par_must_divide_channels u_param_error ();
    end
    if (InW < 1 || GW < 1 ||
        ScaleW < 1 || ShiftW < 1 || OutW < 1 + OutSigned) begin : gen_param_error_width
      initial begin
        $display("gate: parameter error: widths must be >= 1 (OutW >= 1 + OutSigned)");
        $finish;
      end
      gate_error_bad_widths u_param_error ();
    end
  endgenerate

  localparam integer XX  = InW + ((InSigned != 0) ? 0 : 1);  // x as signed
  localparam integer XG  = GW + ((GSigned != 0) ? 0 : 1);    // g as signed
  localparam integer KW  = XG + ScaleW;                      // k = g * scale
  localparam integer LW  = KW + ShiftW;                      // stored per lane: {shift, k}
  localparam integer ZP  = XX + KW;                          // x * k
  localparam integer ZW  = ((ZP > ShiftW) ? ZP : ShiftW) + 1;  // z
  localparam integer NB  = Channels / Par;                   // map beats per pixel = memory words
  localparam integer NS  = Par / GPar;                       // gate beats per memory word
  localparam integer AW  = (Channels > 1) ? $clog2(Channels) : 1;
  localparam integer BW  = (NB > 1) ? $clog2(NB) : 1;
  localparam integer SW  = (NS > 1) ? $clog2(NS) : 1;
  localparam integer XPW = (Pixels > 1) ? $clog2(Pixels) : 1;
  localparam integer GStepI  = (Channels > GPar) ? GPar : 0;
  localparam integer GLastI  = Channels - GPar;
  localparam integer LastBI  = NB - 1;
  localparam integer LastSI  = NS - 1;
  localparam integer LastPI  = Pixels - 1;
  localparam [AW-1:0]  GStep = GStepI[AW-1:0];
  localparam [AW-1:0]  GLast = GLastI[AW-1:0];
  localparam [BW-1:0]  LastB = LastBI[BW-1:0];
  localparam [SW-1:0]  LastS = LastSI[SW-1:0];
  localparam [XPW-1:0] LastP = LastPI[XPW-1:0];

  reg [ScaleW-1:0] scale_rom [0:Channels-1];
  reg [ShiftW-1:0] shift_rom [0:Channels-1];
  integer init_k;
  initial begin
    if (ScaleFile != "") $readmemh(ScaleFile, scale_rom);
    else for (init_k = 0; init_k < Channels; init_k = init_k + 1)
      scale_rom[init_k] = {ScaleW{1'b0}};
    if (ShiftFile != "") $readmemh(ShiftFile, shift_rom);
    else for (init_k = 0; init_k < Channels; init_k = init_k + 1)
      shift_rom[init_k] = {ShiftW{1'b0}};
  end

  // ---- phases ---------------------------------------------------------------------------------
  wire adv;  // the skid buffer takes a beat (registered); every stage moves with it
  reg  stream_q;           // 0: loading g, 1: streaming the map
  reg  [AW-1:0]  gbase_q;  // first channel of the incoming g beat
  reg  [SW-1:0]  gsub_q;   // g beat within the memory word being filled (stage 1's beat)
  reg  [BW-1:0]  grow_q;   // memory word being filled
  reg  [BW-1:0]  b_q;      // map beat within the pixel
  reg  [XPW-1:0] pix_q;    // map pixel
  wire fire_g = g_tvalid_i && adv && !stream_q;
  wire fire_x = x_tvalid_i && adv && stream_q;
  wire g_end = gbase_q == GLast;
  wire x_end = (b_q == LastB) && (pix_q == LastP);
  wire unused_g_last = g_tlast_i;

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      stream_q <= 1'b0;
      gbase_q  <= {AW{1'b0}};
      b_q      <= {BW{1'b0}};
      pix_q    <= {XPW{1'b0}};
    end else begin
      if (fire_g) begin
        gbase_q <= g_end ? {AW{1'b0}} : gbase_q + GStep;
        if (g_end) stream_q <= 1'b1;
      end
      if (fire_x) begin
        b_q <= (b_q == LastB) ? {BW{1'b0}} : b_q + 1'b1;
        if (b_q == LastB) pix_q <= (pix_q == LastP) ? {XPW{1'b0}} : pix_q + 1'b1;
        if (x_end) stream_q <= 1'b0;
      end
    end
  end

  // ---- load: stage 1 holds a g beat with its constants; its retirement fills the memory -------
  reg l1_q;  // stage 1 holds a g beat
  always @(posedge clk_i) begin
    if (!rst_ni) l1_q <= 1'b0;
    else if (adv) l1_q <= fire_g;
  end
  wire retire = adv && l1_q;
  wire word_done = gsub_q == LastS;
  always @(posedge clk_i) begin
    if (!rst_ni) begin
      gsub_q <= {SW{1'b0}};
      grow_q <= {BW{1'b0}};
    end else if (retire) begin
      gsub_q <= word_done ? {SW{1'b0}} : gsub_q + 1'b1;
      if (word_done) grow_q <= (grow_q == LastB) ? {BW{1'b0}} : grow_q + 1'b1;
    end
  end

  wire [GPar*LW-1:0] g_lanes;  // {shift, k} of stage 1's GPar channels
  genvar i, j;
  generate
    for (j = 0; j < GPar; j = j + 1) begin : gen_g_lane
      localparam [AW-1:0] Lane = j;
      wire [AW-1:0] addr = gbase_q + Lane;
      wire [GW-1:0] g_in = g_tdata_i[j*GW +: GW];
      wire [XG-1:0] g_ext;
      if (GSigned != 0) begin : gen_signed
        assign g_ext = g_in;
      end else begin : gen_unsigned
        assign g_ext = {1'b0, g_in};
      end
      reg  [XG-1:0]     g1_q;
      reg  [ScaleW-1:0] sc1_q;
      reg  [ShiftW-1:0] sh1_q;
      always @(posedge clk_i) begin
        if (fire_g) begin
          g1_q  <= g_ext;
          sc1_q <= scale_rom[addr];
          sh1_q <= shift_rom[addr];
        end
      end
      wire signed [KW-1:0] k = $signed(g1_q) * $signed(sc1_q);
      assign g_lanes[j*LW +: LW] = {sh1_q, k};
    end
  endgenerate

  // the memory word with stage 1's lanes merged in at position gsub
  reg  [Par*LW-1:0] fill_q;
  wire [Par*LW-1:0] fill;
  generate
    for (j = 0; j < NS; j = j + 1) begin : gen_fill
      localparam [SW-1:0] Sub = j;
      assign fill[j*GPar*LW +: GPar*LW] = (gsub_q == Sub) ? g_lanes : fill_q[j*GPar*LW +: GPar*LW];
    end
  endgenerate
  always @(posedge clk_i) begin
    if (retire) fill_q <= fill;
  end

  // ---- the {shift, k} memory: written by the load, read by the stream -------------------------
  reg  [Par*LW-1:0] k_mem [0:NB-1];
  reg  [Par*LW-1:0] kw1_q;
  wire write = retire && word_done;
  always @(posedge clk_i) begin
    if (write) k_mem[grow_q] <= fill;
    // the last word is written in the first cycle of the stream phase: forward it
    if (fire_x) kw1_q <= (write && grow_q == b_q) ? fill : k_mem[b_q];
  end

  // ---- stream: stage 1 x and its word, stage 2 z, stage 3 y -------------------------------------
  reg [2:0] v_q;
  reg [2:0] last_q;
  always @(posedge clk_i) begin
    if (!rst_ni) v_q <= 3'b000;
    else if (adv) v_q <= {v_q[1:0], fire_x};
  end
  always @(posedge clk_i) begin
    if (adv) last_q <= {last_q[1:0], x_tlast_i};
  end

  wire [Par*OutW-1:0] y;
  generate
    for (i = 0; i < Par; i = i + 1) begin : gen_lane
      wire [InW-1:0] x_in = x_tdata_i[i*InW +: InW];
      wire [XX-1:0]  x_ext;
      if (InSigned != 0) begin : gen_signed
        assign x_ext = x_in;
      end else begin : gen_unsigned
        assign x_ext = {1'b0, x_in};
      end
      reg  [XX-1:0]  x1_q;
      always @(posedge clk_i) begin
        if (fire_x) x1_q <= x_ext;
      end
      wire [LW-1:0]     word = kw1_q[i*LW +: LW];
      wire [KW-1:0]     k1 = word[KW-1:0];
      wire [ShiftW-1:0] sh1 = word[LW-1:KW];
      wire signed [ZP-1:0] prod = $signed(x1_q) * $signed(k1);
      reg  signed [ZW-1:0] z2_q;
      always @(posedge clk_i) begin
        if (adv) z2_q <= {{(ZW - ZP){prod[ZP-1]}}, prod} + {{(ZW - ShiftW){sh1[ShiftW-1]}}, sh1};
      end
      wire [OutW-1:0] yr;
      requant #(
        .InW      (ZW),
        .InSigned (1),
        .OutW     (OutW),
        .OutSigned(OutSigned),
        .Shift    (XFrac + GFrac + ScaleFrac - OutFrac)
      ) u_round (
        .x_i(z2_q),
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
    .in_tvalid_i(v_q[2]),
    .in_tready_o(adv),
    .in_tdata_i (y),
    .in_tlast_i (last_q[2]),
    .out_tvalid_o(out_tvalid_o),
    .out_tready_i(out_tready_i),
    .out_tdata_o (out_tdata_o),
    .out_tlast_o (out_tlast_o)
  );

  assign g_tready_o = adv && !stream_q;
  assign x_tready_o = adv && stream_q;

endmodule

`default_nettype wire
