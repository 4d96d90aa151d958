// mix: the Info-Recoupling mix of two channel vectors, out = lambda*a + (1 - lambda)*b.
//
// What it computes (src/ref/ops/mix.ts, integer interpretation), for channel c, with
// F = max(AFrac, BFrac) and L = lambda[c] (2^-LambdaFrac units):
//   z = L * a * 2^(F - AFrac) + (2^LambdaFrac - L) * b * 2^(F - BFrac)     (exact)
//   y = saturate(shiftRound(z, F + LambdaFrac - OutFrac))                  (requant.v)
//
// Streams: a and b (inputs, [Channels, 1, 1] vectors or maps whose channel order repeats) and
// out, Par lanes per beat, beat b carrying channels b*Par .. b*Par+Par-1, lane i at bits
// [(i+1)*W-1 : i*W]. A beat is taken from a and b together, only when both are valid (a_tready_o
// depends on b_tvalid_i and vice versa, never on a ready). out tlast is a's tlast.
//
// Constants: a $readmemh file with one lambda code per channel in channel order, LambdaW-bit two's
// complement hex (an empty file name gives an all-zero table).
//
// Latency and cycle model: one beat per cycle; 3 register stages plus the output skid buffer.
`default_nettype none

module mix #(
  parameter integer Par        = 1,   // lanes per beat; divides Channels
  parameter integer Channels   = 4,   // channels C
  parameter integer AW         = 16,  // code width of input a
  parameter integer ASigned    = 1,   // 1: a is two's complement; 0: unsigned
  parameter integer AFrac      = 8,   // fraction bits of a
  parameter integer BW         = 16,  // code width of input b
  parameter integer BSigned    = 1,   // 1: b is two's complement; 0: unsigned
  parameter integer BFrac      = 8,   // fraction bits of b
  parameter integer LambdaW    = 16,  // width of the lambda codes (signed)
  parameter integer LambdaFrac = 14,  // fraction bits of the lambda codes (>= 0)
  parameter integer OutW       = 16,  // output code width
  parameter integer OutSigned  = 1,   // 1: output is two's complement; 0: unsigned
  parameter integer OutFrac    = 8,   // fraction bits of the output
  parameter         LambdaFile = ""   // $readmemh file of lambda[c]
) (
  input  wire                clk_i,         // clock, rising edge
  input  wire                rst_ni,        // synchronous reset, active low

  // input stream a
  input  wire                a_tvalid_i,    // a beat valid
  output wire                a_tready_o,    // a beat taken (with a b beat)
  input  wire [Par*AW-1:0]   a_tdata_i,     // Par codes of a
  input  wire                a_tlast_i,     // last beat of a frame

  // input stream b
  input  wire                b_tvalid_i,    // b beat valid
  output wire                b_tready_o,    // b beat taken (with an a beat)
  input  wire [Par*BW-1:0]   b_tdata_i,     // Par codes of b
  input  wire                b_tlast_i,     // last beat of a frame (ignored: aligned with a)

  // output stream
  output wire                out_tvalid_o,  // output beat valid (registered)
  input  wire                out_tready_i,  // downstream takes the beat
  output wire [Par*OutW-1:0] out_tdata_o,   // Par output codes
  output wire                out_tlast_o    // last beat of a frame
);

  generate
    if (Par < 1 || Channels % Par != 0 ||
        AW < 1 || BW < 1 || OutW < 1 + OutSigned) begin : gen_param_error
      initial begin
        $display("mix: parameter error: Par must divide Channels; AW, BW >= 1; OutW > OutSigned");
        $finish;
      end
      mix_error_bad_shape_or_widths u_param_error ();
    end
    if (LambdaW < 2 || LambdaFrac < 0 || LambdaFrac > 62) begin : gen_param_error_lambda
      initial begin
        $display("mix: parameter error: LambdaW (%0d) must be >= 2 and 0 <= LambdaFrac (%0d) <= 62",
                 LambdaW, LambdaFrac);
        $finish;
      end
      mix_error_bad_lambda_format u_param_error ();
    end
  endgenerate

  localparam integer XA = AW + ((ASigned != 0) ? 0 : 1);  // a as signed
  localparam integer XB = BW + ((BSigned != 0) ? 0 : 1);  // b as signed
  localparam integer F  = (AFrac > BFrac) ? AFrac : BFrac;  // common fraction bits
  localparam integer SA = F - AFrac;                          // left shift aligning a
  localparam integer SB = F - BFrac;                          // left shift aligning b
  // width of 2^LF - L
  localparam integer LW1 = (LambdaFrac + 2 > LambdaW + 1) ? LambdaFrac + 2 : LambdaW + 1;
  localparam integer AAW = XA + SA + 1;                       // a' (one spare bit)
  localparam integer ABW = XB + SB + 1;                       // b' (one spare bit)
  localparam integer QA = LambdaW + AAW;                      // L * a'
  localparam integer QB = LW1 + ABW;                          // (2^LF - L) * b'
  localparam integer ZW = ((QA > QB) ? QA : QB) + 1;          // z
  localparam integer AWd = (Channels > 1) ? $clog2(Channels) : 1;  // channel address
  localparam integer NB  = Channels / Par;
  localparam integer StepI = (NB > 1) ? Par : 0;
  localparam integer LastI = Channels - Par;
  localparam [AWd-1:0] Step     = StepI[AWd-1:0];
  localparam [AWd-1:0] LastBase = LastI[AWd-1:0];
  localparam [LW1-1:0] One      = {{(LW1 - 1){1'b0}}, 1'b1} << LambdaFrac;

  reg [LambdaW-1:0] lambda_rom [0:Channels-1];
  integer init_k;
  initial begin
    if (LambdaFile != "") $readmemh(LambdaFile, lambda_rom);
    else for (init_k = 0; init_k < Channels; init_k = init_k + 1)
      lambda_rom[init_k] = {LambdaW{1'b0}};
  end

  // ---- join and pipeline control ------------------------------------------------------------
  wire adv;  // the skid buffer takes a beat (registered)
  wire fire = a_tvalid_i && b_tvalid_i && adv;
  reg  [2:0] valid_q;
  reg  [2:0] last_q;
  reg  [AWd-1:0] base_q;  // first channel of the incoming beat
  wire unused_b_last = b_tlast_i;

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      valid_q <= 3'b000;
      base_q  <= {AWd{1'b0}};
    end else if (adv) begin
      valid_q <= {valid_q[1:0], a_tvalid_i && b_tvalid_i};
      if (fire) base_q <= (base_q == LastBase) ? {AWd{1'b0}} : base_q + Step;
    end
  end
  always @(posedge clk_i) begin
    if (adv) last_q <= {last_q[1:0], a_tlast_i};
  end

  // ---- lanes --------------------------------------------------------------------------------
  wire [Par*OutW-1:0] y;
  genvar i;
  generate
    for (i = 0; i < Par; i = i + 1) begin : gen_lane
      wire [AW-1:0] a_in = a_tdata_i[i*AW +: AW];
      wire [BW-1:0] b_in = b_tdata_i[i*BW +: BW];
      wire signed [XA-1:0] a_s;
      wire signed [XB-1:0] b_s;
      if (ASigned != 0) begin : gen_a_signed
        assign a_s = a_in;
      end else begin : gen_a_unsigned
        assign a_s = {1'b0, a_in};
      end
      if (BSigned != 0) begin : gen_b_signed
        assign b_s = b_in;
      end else begin : gen_b_unsigned
        assign b_s = {1'b0, b_in};
      end

      localparam [AWd-1:0] Lane = i;
      wire [AWd-1:0] addr = base_q + Lane;

      // stage 1: the operands, aligned to F fraction bits, and lambda (synchronous table read)
      reg signed [AAW-1:0]    a1_q;
      reg signed [ABW-1:0]    b1_q;
      reg signed [LambdaW-1:0] l1_q;
      always @(posedge clk_i) begin
        if (fire) begin
          a1_q <= $signed({{(SA + 1){a_s[XA-1]}}, a_s}) <<< SA;
          b1_q <= $signed({{(SB + 1){b_s[XB-1]}}, b_s}) <<< SB;
          l1_q <= lambda_rom[addr];
        end
      end

      // stage 2: z = L * a' + (2^LF - L) * b'
      wire signed [LW1-1:0] l_ext = {{(LW1 - LambdaW){l1_q[LambdaW-1]}}, l1_q};
      wire signed [LW1-1:0] l_rest = $signed(One) - l_ext;
      wire signed [QA-1:0]  qa = l1_q * a1_q;
      wire signed [QB-1:0]  qb = l_rest * b1_q;
      reg  signed [ZW-1:0]  p_q;
      always @(posedge clk_i) begin
        if (adv) p_q <= {{(ZW - QA){qa[QA-1]}}, qa} + {{(ZW - QB){qb[QB-1]}}, qb};
      end

      // stage 2: round and saturate
      wire [OutW-1:0] yr;
      requant #(
        .InW      (ZW),
        .InSigned (1),
        .OutW     (OutW),
        .OutSigned(OutSigned),
        .Shift    (F + LambdaFrac - OutFrac)
      ) u_round (
        .x_i(p_q),
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
    .in_tvalid_i(valid_q[2]),
    .in_tready_o(adv),
    .in_tdata_i (y),
    .in_tlast_i (last_q[2]),
    .out_tvalid_o(out_tvalid_o),
    .out_tready_i(out_tready_i),
    .out_tdata_o (out_tdata_o),
    .out_tlast_o (out_tlast_o)
  );

  assign a_tready_o = adv && b_tvalid_i;
  assign b_tready_o = adv && a_tvalid_i;

endmodule

`default_nettype wire
