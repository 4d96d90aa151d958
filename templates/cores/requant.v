// requant: the one rounding and saturation rule of the hardware, shared by every real-valued core.
//
//   y = saturate(shiftRound(x, Shift))  (src/ir/fixed.ts)
//
// shiftRound(q, s) = floor(q / 2^s + 1/2) for s > 0 (add 2^(s-1), then shift right arithmetically:
// round half up, toward +infinity on exact halves) and q * 2^-s for s <= 0 (exact left shift).
// saturate clamps to the output format's range [-2^(OutW-1), 2^(OutW-1)-1] (signed) or
// [0, 2^OutW-1] (unsigned); nothing ever wraps around. Internal widths grow as needed, so the
// result is exact for every input code and every shift. Purely combinational.
`default_nettype none

module requant #(
  parameter integer InW       = 16,  // input code width in bits
  parameter integer InSigned  = 1,   // 1: input is two's complement; 0: unsigned
  parameter integer OutW      = 16,  // output code width in bits
  parameter integer OutSigned = 1,   // 1: output is two's complement; 0: unsigned
  parameter integer Shift     = 0    // fraction bits removed (> 0: round right; <= 0: shift left)
) (
  input  wire [InW-1:0]  x_i,  // input code
  output wire [OutW-1:0] y_o   // saturate(shiftRound(x_i, Shift)) in the output format
);

  // ---- parameter legality -------------------------------------------------------------------
  generate
    if (InW < 1 || InW > 256) begin : g_bad_in_w
      requant_illegal_parameter_InW_must_be_1_to_256 u_error ();
    end
    if (OutW < 1 + OutSigned || OutW > 256) begin : g_bad_out_w
      requant_illegal_parameter_OutW_must_be_2_to_256_signed_or_1_to_256_unsigned u_error ();
    end
    if (Shift < -256 || Shift > 256) begin : g_bad_shift
      requant_illegal_parameter_Shift_must_be_within_256 u_error ();
    end
  endgenerate

  // ---- input as a signed number (one extra bit, so unsigned codes stay non-negative) --------
  localparam integer XW = InW + 1;
  wire signed [XW-1:0] x_ext = (InSigned != 0) ? {x_i[InW-1], x_i} : {1'b0, x_i};

  // ---- shiftRound ---------------------------------------------------------------------------
  // RW: width of the rounded value (sign-extended, exact).
  localparam integer TW = ((XW > Shift) ? XW : Shift) + 1;  // x + 2^(Shift-1) never overflows
  localparam integer RW = (Shift > 0) ? TW : XW - Shift;
  wire signed [RW-1:0] r;

  generate
    if (Shift > 0) begin : g_round
      wire signed [TW-1:0] x_t  = {{(TW - XW){x_ext[XW-1]}}, x_ext};
      wire signed [TW-1:0] half = $signed({{(TW - 1){1'b0}}, 1'b1} << (Shift - 1));
      wire signed [TW-1:0] sum  = x_t + half;
      assign r = sum >>> Shift;
    end else if (Shift == 0) begin : g_same
      assign r = x_ext;
    end else begin : g_left
      assign r = {x_ext, {(-Shift){1'b0}}};
    end
  endgenerate

  // ---- saturate -----------------------------------------------------------------------------
  // v: r sign-extended to at least one bit more than the output, so the range test below is
  // "all bits above the output's magnitude bits equal the sign" for every parameter set.
  localparam integer CW = ((RW > OutW) ? RW : OutW) + 1;
  wire [CW-1:0] v = {{(CW - RW){r[RW-1]}}, r};

  generate
    if (OutSigned != 0) begin : g_sat_signed
      wire [CW-OutW:0] top = v[CW-1:OutW-1];  // sign bit of the output and everything above
      wire in_range = (&top) | (~|top);
      assign y_o = in_range ? v[OutW-1:0]
                 : v[CW-1] ? {1'b1, {(OutW - 1){1'b0}}}   // below range: most negative code
                           : {1'b0, {(OutW - 1){1'b1}}};  // above range: most positive code
    end else begin : g_sat_unsigned
      wire [CW-OutW-1:0] top = v[CW-1:OutW];  // everything above the output's bits
      wire in_range = ~|top;
      assign y_o = in_range ? v[OutW-1:0]
                 : v[CW-1] ? {OutW{1'b0}}    // negative: zero
                           : {OutW{1'b1}};   // above range: largest code
    end
  endgenerate

endmodule

`default_nettype wire
