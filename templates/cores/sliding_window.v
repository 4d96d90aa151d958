// sliding_window: the convolution input generator. It turns a feature-map stream into the stream
// of KxK windows that a matrix-vector unit (mvau_xnor / mvau_int) consumes, with zero padding.
//
// What it computes: for each output pixel (oy, ox), oy < Ho, ox < Wo, in row-major order, where
//     Ho = floor((Height + 2*Pad - Kernel) / Stride) + 1   (Wo likewise with Width),
// it emits Kernel*Kernel*CB beats (CB = Channels/SIMD) in the order (ky, kx, channel block cb):
// the beat of input pixel (iy, ix) = (oy*Stride - Pad + ky, ox*Stride - Pad + kx), block cb.
// Taps outside the map are padding beats: data zero and pad flag 1.
//
// Input stream in: the map, pixel by pixel in row-major order, each pixel as CB beats of SIMD
//   lanes of ElemW bits (lane i at [(i+1)*ElemW-1 : i*ElemW], channel blocks in increasing order);
//   Height*Width*CB beats per frame. Frames are counted, not delimited: in_tlast_i is ignored.
// Output stream out: tdata = {pad, SIMD lanes of ElemW bits}, pad flag at bit SIMD*ElemW;
//   tlast on the last beat of each frame (Ho*Wo*Kernel*Kernel*CB beats).
//
// Storage: a circular line buffer of R = Kernel + Stride input rows (R*Width*CB words of
// SIMD*ElemW bits, one synchronous write and one synchronous read port: block/LUT RAM). The
// writer may run up to R rows ahead of the lowest row the reader still needs (the next frame's
// rows included); the reader starts an output row once every input row it needs is complete.
// Writer and reader never touch the same row, so the core cannot deadlock.
//
// Cycle model: one output beat per cycle whenever the input keeps up (in steady state the input
// must supply Stride*Width*CB beats per output row, the output takes Wo*Kernel*Kernel*CB cycles).
// First output beat of a frame: after Kernel-Pad input rows are in, plus 2 cycles (RAM read
// and skid buffer). Back-pressure on out stalls the reader; in_tready_o is a function of
// registers only, and out_* are registers (skid buffer).
//
// Parameter constraints: Channels % SIMD == 0, Kernel >= 1 and odd, Stride >= 1,
// 0 <= Pad < Kernel, Height + 2*Pad >= Kernel, Width + 2*Pad >= Kernel, ElemW >= 1.
`default_nettype none

module sliding_window #(
  parameter integer Channels = 8,           // channels of the input map
  parameter integer Height   = 4,           // input map rows
  parameter integer Width    = 4,           // input map columns
  parameter integer Kernel   = 3,           // window size (1 or 3; any odd size works)
  parameter integer Stride   = 1,           // window step (1 or 2)
  parameter integer Pad      = Kernel / 2,  // zero rows/columns around the map
  parameter integer SIMD     = 8,           // channels per beat (divides Channels)
  parameter integer ElemW    = 1            // bits per channel value (1 for binary maps)
) (
  input  wire                  clk_i,         // clock, rising edge
  input  wire                  rst_ni,        // synchronous reset, active low

  // input stream: the map
  input  wire                  in_tvalid_i,   // input beat valid
  output wire                  in_tready_o,   // input beat taken
  input  wire [SIMD*ElemW-1:0] in_tdata_i,    // SIMD channels of one pixel
  input  wire                  in_tlast_i,    // ignored (frames are counted)

  // output stream: window beats
  output wire                  out_tvalid_o,  // output beat valid
  input  wire                  out_tready_i,  // downstream takes the beat
  output wire [SIMD*ElemW:0]   out_tdata_o,   // {pad flag, SIMD channels}
  output wire                  out_tlast_o    // last beat of the frame
);

  localparam integer DW       = SIMD * ElemW;
  localparam integer CB       = Channels / SIMD;                      // beats per pixel
  localparam integer RowWords = Width * CB;                           // beats per input row
  localparam integer R        = Kernel + Stride;                      // rows in the line buffer
  localparam integer Depth    = R * RowWords;
  localparam integer Ho       = (Height + 2 * Pad - Kernel) / Stride + 1;
  localparam integer Wo       = (Width + 2 * Pad - Kernel) / Stride + 1;
  localparam integer AddrW    = (Depth > 1) ? $clog2(Depth) : 1;
  localparam integer SlotW    = $clog2(R);                            // R >= 2
  localparam integer ColW     = $clog2((Width + Pad) * CB + 1) + 1;   // signed column word index
  localparam integer RowW     = $clog2(Height + Pad + R + 1) + 2;     // signed row counts
  localparam integer CbW      = (CB > 1) ? $clog2(CB) : 1;
  localparam integer KW       = (Kernel > 1) ? $clog2(Kernel) : 1;
  localparam integer OxW      = (Wo > 1) ? $clog2(Wo) : 1;
  localparam integer OyW      = (Ho > 1) ? $clog2(Ho) : 1;
  localparam integer WcolW    = (RowWords > 1) ? $clog2(RowWords) : 1;

  generate
    if (SIMD < 1 || Channels < 1 || (Channels % SIMD) != 0 || Kernel < 1 || (Kernel % 2) != 1 || Stride < 1
        || Pad < 0 || Pad >= Kernel || Height + 2 * Pad < Kernel || Width + 2 * Pad < Kernel || ElemW < 1) begin : gen_param_error
      initial begin
        $display("sliding_window: parameter error: need Channels %% SIMD == 0 (%0d, %0d), odd Kernel (%0d), Stride >= 1 (%0d), 0 <= Pad < Kernel (%0d), map >= Kernel after padding (%0dx%0d)",
                 Channels, SIMD, Kernel, Stride, Pad, Height, Width);
        $finish;
      end
      sliding_window_error_bad_parameters u_param_error ();
    end
  endgenerate

  // constants as sized vectors (integer part-selects keep Verilator's width checks quiet)
  localparam integer NegPadI    = -Pad;
  localparam integer NegPadColI = -Pad * CB;
  localparam integer StrideColI = Stride * CB;
  localparam integer LastCbI    = CB - 1;
  localparam integer LastKI     = Kernel - 1;
  localparam integer LastOxI    = Wo - 1;
  localparam integer LastOyI    = Ho - 1;
  localparam integer LastWcolI  = RowWords - 1;
  localparam integer LastSlotI  = R - 1;
  localparam integer HModRI     = Height % R;
  localparam integer HeightI    = Height;
  localparam integer RI         = R;
  localparam integer KernelI    = Kernel;
  localparam integer StrideI    = Stride;
  localparam integer OneI       = 1;

  wire signed [RowW-1:0]  neg_pad     = NegPadI[RowW-1:0];
  wire signed [ColW-1:0]  neg_pad_col = NegPadColI[ColW-1:0];
  wire signed [ColW-1:0]  stride_col  = StrideColI[ColW-1:0];
  wire signed [ColW-1:0]  row_words   = RowWords[ColW-1:0];
  wire signed [RowW-1:0]  height_s    = HeightI[RowW-1:0];
  wire signed [RowW-1:0]  stride_s    = StrideI[RowW-1:0];
  wire signed [RowW-1:0]  last_k_s    = LastKI[RowW-1:0];
  wire signed [RowW-1:0]  one_r       = OneI[RowW-1:0];
  wire signed [ColW-1:0]  one_c       = OneI[ColW-1:0];
  wire signed [RowW-1:0] r_s         = RI[RowW-1:0];
  wire [CbW-1:0]          last_cb     = LastCbI[CbW-1:0];
  wire [KW-1:0]           last_k      = LastKI[KW-1:0];
  wire [OxW-1:0]          last_ox     = LastOxI[OxW-1:0];
  wire [OyW-1:0]          last_oy     = LastOyI[OyW-1:0];
  wire [WcolW-1:0]        last_wcol   = LastWcolI[WcolW-1:0];
  wire [SlotW-1:0]        last_slot   = LastSlotI[SlotW-1:0];
  wire [SlotW:0]          h_mod_r     = HModRI[SlotW:0];
  wire [SlotW:0]          r_u         = RI[SlotW:0];
  wire                    unused_k    = ^KernelI[31:0];

  reg [DW-1:0] mem_q [0:Depth-1];  // R rows of RowWords beats

  // ---- shared row accounting ---------------------------------------------------------------
  // ahead_q = (input rows completely written) - (lowest input row the reader still needs),
  // counted across frames; negative while the writer finishes rows the reader has skipped.
  reg signed [RowW-1:0] ahead_q;

  // ---- writer ------------------------------------------------------------------------------
  reg [WcolW-1:0] wcol_q;   // word within the row being written
  reg [SlotW-1:0] wslot_q;  // line-buffer slot of the row being written

  wire in_fire = in_tvalid_i && (ahead_q < r_s);
  wire wrow_end = in_fire && (wcol_q == last_wcol);

  wire [31:0]      wbase32 = {{(32 - SlotW){1'b0}}, wslot_q} * RowWords;
  wire [31:0]      waddr32 = wbase32 + {{(32 - WcolW){1'b0}}, wcol_q};
  wire             unused_waddr_hi = ^waddr32[31:AddrW];

  always @(posedge clk_i) begin
    if (in_fire) mem_q[waddr32[AddrW-1:0]] <= in_tdata_i;
  end

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      wcol_q  <= {WcolW{1'b0}};
      wslot_q <= {SlotW{1'b0}};
    end else if (in_fire) begin
      wcol_q <= wrow_end ? {WcolW{1'b0}} : wcol_q + 1'b1;
      if (wrow_end) wslot_q <= (wslot_q == last_slot) ? {SlotW{1'b0}} : wslot_q + 1'b1;
    end
  end

  assign in_tready_o = (ahead_q < r_s);
  wire unused_in_tlast = in_tlast_i;

  // ---- reader ------------------------------------------------------------------------------
  reg [OyW-1:0]          oy_q;
  reg [OxW-1:0]          ox_q;
  reg [KW-1:0]           ky_q;
  reg [KW-1:0]           kx_q;
  reg [CbW-1:0]          cb_q;
  reg signed [RowW-1:0]  r0_q;         // oy*Stride - Pad: top input row of the window
  reg signed [RowW-1:0]  iy_q;         // r0 + ky: input row of the current tap
  reg signed [ColW-1:0]  win_col_q;    // (ox*Stride - Pad)*CB: first word of the window row
  reg signed [ColW-1:0]  col_q;        // (ix*CB + cb): word of the current tap in its row
  reg [SlotW-1:0]        frame_slot_q; // slot of row 0 of the reader's frame
  reg [SlotW-1:0]        base_slot_q;  // slot of the lowest needed row, max(r0, 0)
  reg [SlotW-1:0]        slot_q;       // slot of row iy (when 0 <= iy < Height)

  // rows the current output row needs: min(r0+K-1, H-1) - max(r0, 0) + 1
  wire signed [RowW-1:0] r_top    = r0_q + last_k_s;
  wire signed [RowW-1:0] r_hi     = (r_top < height_s) ? r_top : height_s - one_r;
  wire signed [RowW-1:0] r_lo     = (r0_q < 0) ? {RowW{1'b0}} : r0_q;
  wire signed [RowW-1:0] need     = r_hi - r_lo + one_r;

  wire skid_ready;
  reg  s1_valid_q;                 // RAM read stage holds a beat
  wire en = !s1_valid_q || skid_ready;
  wire rd_fire = en && (ahead_q >= need);

  wire at_cb_end = (cb_q == last_cb);
  wire at_kx_end = at_cb_end && (kx_q == last_k);
  wire at_ky_end = at_kx_end && (ky_q == last_k);
  wire at_ox_end = at_ky_end && (ox_q == last_ox);
  wire at_oy_end = at_ox_end && (oy_q == last_oy);

  // rows released when the reader leaves output row oy (next row's base, or the frame's end)
  wire signed [RowW-1:0] r0_next  = r0_q + stride_s;
  wire signed [RowW-1:0] lo_next  = (r0_next < 0) ? {RowW{1'b0}} : r0_next;
  wire signed [RowW-1:0] release_row = at_oy_end ? (height_s - r_lo) : (lo_next - r_lo);
  wire signed [RowW-1:0] release_d = (rd_fire && at_ox_end) ? release_row : {RowW{1'b0}};
  // next base slot inside the frame: base + (lo_next - r_lo), where 0 <= lo_next - r_lo <= Stride < R
  wire [SlotW:0] base_sum  = {1'b0, base_slot_q} + release_row[SlotW:0];
  wire [SlotW:0] base_wrap = (base_sum >= r_u) ? base_sum - r_u : base_sum;
  wire [SlotW:0] frame_sum  = {1'b0, frame_slot_q} + h_mod_r;
  wire [SlotW:0] frame_wrap = (frame_sum >= r_u) ? frame_sum - r_u : frame_sum;

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      ahead_q <= {RowW{1'b0}};
    end else begin
      ahead_q <= ahead_q + {{(RowW - 1){1'b0}}, wrow_end} - release_d;
    end
  end

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      oy_q         <= {OyW{1'b0}};
      ox_q         <= {OxW{1'b0}};
      ky_q         <= {KW{1'b0}};
      kx_q         <= {KW{1'b0}};
      cb_q         <= {CbW{1'b0}};
      r0_q         <= neg_pad;
      iy_q         <= neg_pad;
      win_col_q    <= neg_pad_col;
      col_q        <= neg_pad_col;
      frame_slot_q <= {SlotW{1'b0}};
      base_slot_q  <= {SlotW{1'b0}};
      slot_q       <= {SlotW{1'b0}};
    end else if (rd_fire) begin
      cb_q  <= at_cb_end ? {CbW{1'b0}} : cb_q + 1'b1;
      col_q <= col_q + one_c;
      if (at_cb_end) kx_q <= (kx_q == last_k) ? {KW{1'b0}} : kx_q + 1'b1;
      if (at_kx_end) begin
        // next kernel row of the same window
        ky_q  <= (ky_q == last_k) ? {KW{1'b0}} : ky_q + 1'b1;
        iy_q  <= iy_q + one_r;
        col_q <= win_col_q;
        if (iy_q >= 0) slot_q <= (slot_q == last_slot) ? {SlotW{1'b0}} : slot_q + 1'b1;
      end
      if (at_ky_end) begin
        // next window of the same output row
        ox_q      <= at_ox_end ? {OxW{1'b0}} : ox_q + 1'b1;
        win_col_q <= win_col_q + stride_col;
        col_q     <= win_col_q + stride_col;
        iy_q      <= r0_q;
        slot_q    <= base_slot_q;
      end
      if (at_ox_end) begin
        // next output row (or the next frame)
        oy_q      <= at_oy_end ? {OyW{1'b0}} : oy_q + 1'b1;
        win_col_q <= neg_pad_col;
        col_q     <= neg_pad_col;
        if (at_oy_end) begin
          r0_q         <= neg_pad;
          iy_q         <= neg_pad;
          frame_slot_q <= frame_wrap[SlotW-1:0];
          base_slot_q  <= frame_wrap[SlotW-1:0];
          slot_q       <= frame_wrap[SlotW-1:0];
        end else begin
          r0_q        <= r0_next;
          iy_q        <= r0_next;
          base_slot_q <= base_wrap[SlotW-1:0];
          slot_q      <= base_wrap[SlotW-1:0];
        end
      end
    end
  end

  wire unused_wrap_hi = frame_wrap[SlotW] ^ base_wrap[SlotW] ^ (^release_row[RowW-1:SlotW+1]);

  // the current tap: padding outside the map, else a RAM word
  wire pad = (iy_q < 0) || (iy_q >= height_s) || (col_q < 0) || (col_q >= row_words);
  wire [31:0] rbase32 = {{(32 - SlotW){1'b0}}, slot_q} * RowWords;
  wire [31:0] raddr32 = rbase32 + {{(32 - ColW){col_q[ColW-1]}}, col_q};
  wire        unused_raddr_hi = ^raddr32[31:AddrW];
  wire [AddrW-1:0] raddr = pad ? {AddrW{1'b0}} : raddr32[AddrW-1:0];

  reg [DW-1:0] rdata_q;
  reg          s1_pad_q;
  reg          s1_last_q;

  always @(posedge clk_i) begin
    if (rd_fire) rdata_q <= mem_q[raddr];
  end

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      s1_valid_q <= 1'b0;
      s1_pad_q   <= 1'b0;
      s1_last_q  <= 1'b0;
    end else if (en) begin
      s1_valid_q <= rd_fire;
      s1_pad_q   <= pad;
      s1_last_q  <= at_oy_end;
    end
  end

  skid_buffer #(
    .DataW(DW + 1)
  ) u_out_skid (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .in_tvalid_i(s1_valid_q),
    .in_tready_o(skid_ready),
    .in_tdata_i ({s1_pad_q, s1_pad_q ? {DW{1'b0}} : rdata_q}),
    .in_tlast_i (s1_last_q),
    .out_tvalid_o(out_tvalid_o),
    .out_tready_i(out_tready_i),
    .out_tdata_o (out_tdata_o),
    .out_tlast_o (out_tlast_o)
  );

endmodule

`default_nettype wire
