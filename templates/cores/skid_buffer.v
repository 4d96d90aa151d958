// skid_buffer: a full-throughput two-entry register slice for an AXI4-Stream style stream.
//
// What it computes: out = in, beat for beat (data and tlast unchanged, order kept).
// Why: in_tready_o is a register, so no combinational path runs from out_tready_i to in_tready_o,
// and out_tvalid_o/out_tdata_o/out_tlast_o are registers, so none runs from in_* to out_* either.
// Chains of cores stay timing-clean when every core ends in one of these.
//
// Streams: in (input) and out (output): tvalid, tready, tdata [DataW-1:0], tlast. A beat moves when
// tvalid && tready. A presented out beat is held unchanged until taken.
//
// Latency and cycle model: one cycle from s to m. One beat per cycle when out_tready_i stays high;
// under back-pressure it holds up to two beats (output register + skid register), so the
// upstream sees in_tready_o fall one cycle after out_tready_i falls, without losing the beat in
// flight.
//
// Parameter constraints: DataW >= 1.
`default_nettype none

module skid_buffer #(
  parameter integer DataW = 8  // tdata width in bits
) (
  input  wire             clk_i,       // clock, rising edge
  input  wire             rst_ni,      // synchronous reset, active low

  // input stream
  input  wire             in_tvalid_i,  // input beat valid
  output wire             in_tready_o,  // buffer accepts a beat (registered)
  input  wire [DataW-1:0] in_tdata_i,   // input beat
  input  wire             in_tlast_i,   // last beat of a frame

  // output stream
  output wire             out_tvalid_o,  // output beat valid (registered)
  input  wire             out_tready_i,  // downstream takes the beat
  output wire [DataW-1:0] out_tdata_o,   // output beat (registered)
  output wire             out_tlast_o    // last beat of a frame (registered)
);

  generate
    if (DataW < 1) begin : gen_param_error
      initial begin
        $display("skid_buffer: parameter error: DataW (%0d) must be >= 1", DataW);
        $finish;
      end
      skid_buffer_error_dataw_must_be_positive u_param_error ();
    end
  endgenerate

  // output register
  reg             out_valid_q;
  reg [DataW-1:0] out_data_q;
  reg             out_last_q;
  // skid register: the beat accepted in the cycle the output stalled
  reg             skid_valid_q;
  reg [DataW-1:0] skid_data_q;
  reg             skid_last_q;

  wire in_fire  = in_tvalid_i && !skid_valid_q;
  wire out_free = !out_valid_q || out_tready_i;

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      out_valid_q  <= 1'b0;
      skid_valid_q <= 1'b0;
    end else if (out_free) begin
      // the output register is empty or being emptied: refill it, skid register first
      out_valid_q  <= skid_valid_q || in_fire;
      skid_valid_q <= 1'b0;
    end else if (in_fire) begin
      skid_valid_q <= 1'b1;
    end
  end

  // data registers need no reset: they are only read while their valid bit is set
  always @(posedge clk_i) begin
    if (out_free) begin
      if (skid_valid_q) begin
        out_data_q <= skid_data_q;
        out_last_q <= skid_last_q;
      end else if (in_fire) begin
        out_data_q <= in_tdata_i;
        out_last_q <= in_tlast_i;
      end
    end else if (in_fire) begin
      skid_data_q <= in_tdata_i;
      skid_last_q <= in_tlast_i;
    end
  end

  assign in_tready_o = !skid_valid_q;
  assign out_tvalid_o = out_valid_q;
  assign out_tdata_o  = out_data_q;
  assign out_tlast_o  = out_last_q;

endmodule

`default_nettype wire
