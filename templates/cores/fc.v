// fc: fully connected layer on a vector stream (SE squeeze/expand, head classifier).
//
// What it computes (src/ref/ops/fc.ts, integer interpretation), for output o:
//   acc = b[o] + sum_i w[o][i] * x[i]                      (exact; 2^-(InFrac+WFrac) units)
//   acc = max(acc, 0) when Relu = 1
//   y   = saturate(shiftRound(acc, InFrac + WFrac - OutFrac))   (rounding, saturation: requant.v)
//
// How: OutPar outputs (PE) are computed at once, each consuming InPar inputs (SIMD) per cycle:
// OutF/OutPar groups times InF/InPar steps. The first group is computed while the input vector
// streams in (and is stored); the other groups read the stored copy. The next vector is taken
// once the last group has been issued.
//
// Streams: in (InF/InPar beats of InPar InW-bit codes) and out (OutF/OutPar beats of OutPar
// OutW-bit codes, tlast on the last), lane i at bits [(i+1)*W-1 : i*W]; in tlast is not needed.
//
// Constants (an empty file name gives an all-zero table):
// - WeightFile: $readmemh, OutF/OutPar * InF/InPar entries of OutPar*InPar*WW bits, folded by
//   PE and SIMD: entry g*(InF/InPar) + k holds w[g*OutPar + p][k*InPar + s] (WW-bit two's
//   complement) at bits [(p*InPar + s + 1)*WW - 1 : (p*InPar + s)*WW].
// - BiasFile: $readmemh, one BiasW-bit two's complement entry per output in output order.
//
// Latency and cycle model: (OutF/OutPar) * (InF/InPar) cycles per vector (src/ir/ops/fc.ts) when
// the input arrives at one beat per cycle; 4 register stages plus the output skid buffer.
`default_nettype none

module fc #(
  parameter integer InPar      = 1,   // input lanes per beat (SIMD); divides InF
  parameter integer OutPar     = 1,   // outputs computed in parallel and lanes per output beat (PE)
  parameter integer InF        = 8,   // input features
  parameter integer OutF       = 4,   // output features; divisible by OutPar
  parameter integer InW        = 8,   // input code width
  parameter integer InSigned   = 1,   // 1: input codes are two's complement; 0: unsigned
  parameter integer InFrac     = 4,   // fraction bits of the input
  parameter integer WW         = 8,   // weight code width (signed)
  parameter integer WFrac      = 6,   // fraction bits of the weights
  parameter integer BiasW      = 16,  // bias code width (signed, 2^-(InFrac+WFrac) units)
  parameter integer Relu       = 0,   // 1: ReLU before rounding
  parameter integer OutW       = 8,   // output code width
  parameter integer OutSigned  = 1,   // 1: output is two's complement; 0: unsigned
  parameter integer OutFrac    = 4,   // fraction bits of the output
  parameter         WeightFile = "",  // $readmemh file of the folded weights
  parameter         BiasFile   = ""   // $readmemh file of the biases
) (
  input  wire                   clk_i,         // clock, rising edge
  input  wire                   rst_ni,        // synchronous reset, active low

  // input stream: the input vector
  input  wire                   in_tvalid_i,   // input beat valid
  output wire                   in_tready_o,   // core accepts the beat (registered)
  input  wire [InPar*InW-1:0]   in_tdata_i,    // InPar input codes
  input  wire                   in_tlast_i,    // last beat of the vector (not needed)

  // output stream: the output vector
  output wire                   out_tvalid_o,  // output beat valid (registered)
  input  wire                   out_tready_i,  // downstream takes the beat
  output wire [OutPar*OutW-1:0] out_tdata_o,   // OutPar output codes
  output wire                   out_tlast_o    // last beat of the vector
);

  generate
    if (InPar < 1 || OutPar < 1 || InF % InPar != 0 ||
        OutF % OutPar != 0 || InF < 1 || OutF < 1) begin : gen_param_error_shape
      initial begin
        $display("fc: parameter error: InPar (%0d) must divide InF (%0d), OutPar (%0d) OutF (%0d)",
                 InPar, InF, OutPar, OutF);
        $finish;
      end
      fc_error_par_must_divide_features u_param_error ();
    end
    if (InW < 1 || WW < 1 || BiasW < 1 ||
        OutW < 1 + OutSigned || Relu < 0 || Relu > 1) begin : gen_param_error_width
      initial begin
        $display("fc: parameter error: widths must be >= 1 (OutW >= 1 + OutSigned), Relu 0 or 1");
        $finish;
      end
      fc_error_bad_widths u_param_error ();
    end
  endgenerate

  localparam integer XW   = InW + ((InSigned != 0) ? 0 : 1);   // input as signed
  localparam integer PW   = XW + WW;                            // one product
  localparam integer DW   = PW + ((InPar > 1) ? $clog2(InPar) : 0) + 1;  // InPar products
  localparam integer SW0  = PW + ((InF > 1) ? $clog2(InF) : 0);
  localparam integer AccW = ((SW0 > BiasW) ? SW0 : BiasW) + 1;  // bias + all products
  localparam integer InB  = InF / InPar;                        // steps per group
  localparam integer OutG = OutF / OutPar;                      // groups
  localparam integer NE   = InB * OutG;                         // weight words
  localparam integer KW   = (InB > 1) ? $clog2(InB) : 1;
  localparam integer GW   = (OutG > 1) ? $clog2(OutG) : 1;
  localparam integer EW   = (NE > 1) ? $clog2(NE) : 1;
  localparam integer OW   = (OutF > 1) ? $clog2(OutF) : 1;
  localparam integer LastKI = InB - 1;
  localparam integer LastGI = OutG - 1;
  localparam integer StepI  = (OutG > 1) ? OutPar : 0;
  localparam [KW-1:0] LastK = LastKI[KW-1:0];
  localparam [GW-1:0] LastG = LastGI[GW-1:0];
  localparam [OW-1:0] BStep = StepI[OW-1:0];

  reg [OutPar*InPar*WW-1:0] w_rom [0:NE-1];
  reg [BiasW-1:0]           b_rom [0:OutF-1];
  integer init_k;
  initial begin
    if (WeightFile != "") $readmemh(WeightFile, w_rom);
    else for (init_k = 0; init_k < NE; init_k = init_k + 1) w_rom[init_k] = {OutPar*InPar*WW{1'b0}};
    if (BiasFile != "") $readmemh(BiasFile, b_rom);
    else for (init_k = 0; init_k < OutF; init_k = init_k + 1) b_rom[init_k] = {BiasW{1'b0}};
  end

  // ---- step control ---------------------------------------------------------------------------
  wire adv;  // the skid buffer takes a beat (registered); every stage moves with it
  reg  [GW-1:0] g_q;   // output group
  reg  [KW-1:0] k_q;   // step within the group
  reg  [EW-1:0] e_q;   // weight word: g*InB + k
  reg  [OW-1:0] ob_q;  // first output of the group
  wire first_group = g_q == {GW{1'b0}};
  wire step = adv && (!first_group || in_tvalid_i);  // group 0 steps with the input
  wire k_end = k_q == LastK;
  wire g_end = g_q == LastG;
  wire unused_in_last = in_tlast_i;

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      g_q  <= {GW{1'b0}};
      k_q  <= {KW{1'b0}};
      e_q  <= {EW{1'b0}};
      ob_q <= {OW{1'b0}};
    end else if (step) begin
      k_q <= k_end ? {KW{1'b0}} : k_q + 1'b1;
      e_q <= (k_end && g_end) ? {EW{1'b0}} : e_q + 1'b1;
      if (k_end) begin
        g_q  <= g_end ? {GW{1'b0}} : g_q + 1'b1;
        ob_q <= g_end ? {OW{1'b0}} : ob_q + BStep;
      end
    end
  end

  // ---- stage 1: inputs, weight word and biases (synchronous reads) ------------------------------
  reg [InPar*XW-1:0]        x1_q;
  reg [OutPar*InPar*WW-1:0] w1_q;
  reg                       v1_q, first1_q, lastk1_q, lastg1_q;
  wire [InPar*XW-1:0] x_in;  // the input beat, lanes extended to signed
  wire [InPar*XW-1:0] x_buf; // the stored input (groups after the first)

  genvar s, p;
  generate
    for (s = 0; s < InPar; s = s + 1) begin : gen_in_lane
      if (InSigned != 0) begin : gen_signed
        assign x_in[s*XW +: XW] = in_tdata_i[s*InW +: InW];
      end else begin : gen_unsigned
        assign x_in[s*XW +: XW] = {1'b0, in_tdata_i[s*InW +: InW]};
      end
    end
    if (OutG > 1) begin : gen_store
      reg [InPar*XW-1:0] x_mem [0:InB-1];
      reg [InPar*XW-1:0] rd_q;
      always @(posedge clk_i) begin
        if (step) begin
          rd_q <= x_mem[k_q];
          if (first_group) x_mem[k_q] <= x_in;
        end
      end
      assign x_buf = rd_q;
    end else begin : gen_no_store
      assign x_buf = {InPar * XW{1'b0}};
    end
  endgenerate

  reg from_input_q;  // stage 1 data come from the input beat (else from the store)
  always @(posedge clk_i) begin
    if (!rst_ni) v1_q <= 1'b0;
    else if (adv) v1_q <= step;
  end
  always @(posedge clk_i) begin
    if (step) begin
      x1_q         <= x_in;
      from_input_q <= first_group;
      w1_q         <= w_rom[e_q];
      first1_q     <= k_q == {KW{1'b0}};
      lastk1_q     <= k_end;
      lastg1_q     <= g_end;
    end
  end
  wire [InPar*XW-1:0] x1 = from_input_q ? x1_q : x_buf;

  // ---- stages 2-4 per output: dot product, accumulation, ReLU and rounding ----------------------
  reg v2_q, first2_q, lastk2_q, lastg2_q, v3_q, last3_q, v4_q, last4_q;
  always @(posedge clk_i) begin
    if (!rst_ni) begin
      v2_q <= 1'b0;
      v3_q <= 1'b0;
      v4_q <= 1'b0;
    end else if (adv) begin
      v2_q <= v1_q;
      v3_q <= v2_q && lastk2_q;
      v4_q <= v3_q;
    end
  end
  always @(posedge clk_i) begin
    if (adv) begin
      first2_q <= first1_q;
      lastk2_q <= lastk1_q;
      lastg2_q <= lastg1_q;
      last3_q  <= lastg2_q;
      last4_q  <= last3_q;
    end
  end

  wire [OutPar*OutW-1:0] y;
  generate
    for (p = 0; p < OutPar; p = p + 1) begin : gen_pe
      localparam [OW-1:0] Lane = p;
      // bias of this output, read with the group's first step
      reg [BiasW-1:0] b1_q, b2_q;
      always @(posedge clk_i) begin
        if (step) b1_q <= b_rom[ob_q + Lane];
      end

      // stage 2: InPar products, summed
      reg signed [PW-1:0] prod;
      reg signed [DW-1:0] dot;
      integer j;
      always @* begin
        dot = {DW{1'b0}};
        for (j = 0; j < InPar; j = j + 1) begin
          prod = $signed(w1_q[(p*InPar + j)*WW +: WW]) * $signed(x1[j*XW +: XW]);
          dot  = dot + {{(DW - PW){prod[PW-1]}}, prod};
        end
      end
      reg signed [DW-1:0] dot2_q;
      always @(posedge clk_i) begin
        if (adv) begin
          dot2_q <= dot;
          b2_q   <= b1_q;
        end
      end

      // stage 3: accumulate, starting from the bias
      reg  signed [AccW-1:0] acc_q;
      wire signed [AccW-1:0] base = first2_q ? {{(AccW - BiasW){b2_q[BiasW-1]}}, b2_q} : acc_q;
      always @(posedge clk_i) begin
        if (adv && v2_q) acc_q <= base + {{(AccW - DW){dot2_q[DW-1]}}, dot2_q};
      end

      // stage 4: ReLU, round, saturate
      wire [AccW-1:0] acc_r = (Relu != 0 && acc_q[AccW-1]) ? {AccW{1'b0}} : acc_q;
      wire [OutW-1:0] yr;
      requant #(
        .InW      (AccW),
        .InSigned (1),
        .OutW     (OutW),
        .OutSigned(OutSigned),
        .Shift    (InFrac + WFrac - OutFrac)
      ) u_round (
        .x_i(acc_r),
        .y_o(yr)
      );
      reg [OutW-1:0] y_q;
      always @(posedge clk_i) begin
        if (adv) y_q <= yr;
      end
      assign y[p*OutW +: OutW] = y_q;
    end
  endgenerate

  skid_buffer #(
    .DataW(OutPar * OutW)
  ) u_out_skid (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .in_tvalid_i(v4_q),
    .in_tready_o(adv),
    .in_tdata_i (y),
    .in_tlast_i (last4_q),
    .out_tvalid_o(out_tvalid_o),
    .out_tready_i(out_tready_i),
    .out_tdata_o (out_tdata_o),
    .out_tlast_o (out_tlast_o)
  );

  assign in_tready_o = adv && first_group;

endmodule

`default_nettype wire
