// eltwise_mul: element-wise product of two equally shaped streams (ELM-Attention).
//
// What it computes (src/ref/ops/mul.ts, integer interpretation), lane by lane:
//   y = saturate(shiftRound(a * b, AFrac + BFrac - OutFrac))   (rounding and saturation: requant.v)
// The product is exact (AW + BW bits, plus one per unsigned operand).
//
// Streams: a and b (inputs) and out, Par lanes per beat, lane i at bits [(i+1)*W-1 : i*W]. A beat
// is taken from a and b together, only when both are valid (a_tready_o depends on b_tvalid_i and
// vice versa, never on a ready). out tlast is a's tlast (the frames of a and b are aligned).
//
// Latency and cycle model: one beat per cycle; 2 register stages plus the output skid buffer.
`default_nettype none

module eltwise_mul #(
  parameter integer Par       = 1,   // lanes per beat
  parameter integer AW        = 16,  // code width of input a
  parameter integer ASigned   = 1,   // 1: a is two's complement; 0: unsigned
  parameter integer AFrac     = 8,   // fraction bits of a
  parameter integer BW        = 16,  // code width of input b
  parameter integer BSigned   = 1,   // 1: b is two's complement; 0: unsigned
  parameter integer BFrac     = 8,   // fraction bits of b
  parameter integer OutW      = 16,  // output code width
  parameter integer OutSigned = 1,   // 1: output is two's complement; 0: unsigned
  parameter integer OutFrac   = 8    // fraction bits of the output
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
    if (Par < 1 || AW < 1 || BW < 1 || OutW < 1 + OutSigned) begin : gen_param_error
      initial begin
        $display("eltwise_mul: parameter error: Par, AW, BW must be >= 1, OutW >= 1 + OutSigned");
        $finish;
      end
      eltwise_mul_error_widths_must_be_positive u_param_error ();
    end
  endgenerate

  localparam integer XA = AW + ((ASigned != 0) ? 0 : 1);  // a as signed
  localparam integer XB = BW + ((BSigned != 0) ? 0 : 1);  // b as signed
  localparam integer PW = XA + XB;                        // exact product

  // ---- join and pipeline control ------------------------------------------------------------
  wire adv;  // the skid buffer takes a beat (registered)
  wire fire = a_tvalid_i && b_tvalid_i && adv;
  reg  [1:0] valid_q;
  reg  [1:0] last_q;
  wire unused_b_last = b_tlast_i;

  always @(posedge clk_i) begin
    if (!rst_ni) valid_q <= 2'b00;
    else if (adv) valid_q <= {valid_q[0], a_tvalid_i && b_tvalid_i};
  end
  always @(posedge clk_i) begin
    if (adv) last_q <= {last_q[0], a_tlast_i};
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

      // stage 1: exact product
      reg signed [PW-1:0] p_q;
      always @(posedge clk_i) begin
        if (fire) p_q <= a_s * b_s;
      end

      // stage 2: round and saturate
      wire [OutW-1:0] yr;
      requant #(
        .InW      (PW),
        .InSigned (1),
        .OutW     (OutW),
        .OutSigned(OutSigned),
        .Shift    (AFrac + BFrac - OutFrac)
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
    .in_tvalid_i(valid_q[1]),
    .in_tready_o(adv),
    .in_tdata_i (y),
    .in_tlast_i (last_q[1]),
    .out_tvalid_o(out_tvalid_o),
    .out_tready_i(out_tready_i),
    .out_tdata_o (out_tdata_o),
    .out_tlast_o (out_tlast_o)
  );

  assign a_tready_o = adv && b_tvalid_i;
  assign b_tready_o = adv && a_tvalid_i;

endmodule

`default_nettype wire
