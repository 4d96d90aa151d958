// stream_fork: broadcasts one AXI4-Stream style stream to N consumers.
//
// What it computes: every output stream out[k] (k = 0..N-1) carries exactly the beats of in, in
// order, each beat once. Outputs are independent: a fast consumer may take beat t while a slow
// one still has not; the input beat is released (in_tready_o) in the cycle in which every output
// has taken it. Per-output "taken" flags remember who already has the current beat, so a beat is
// never duplicated and the fork never deadlocks as long as each consumer eventually takes it.
//
// Streams: in (input): tvalid, tready, tdata [DataW-1:0], tlast. Outputs share one data bus:
// out_tdata_o/out_tlast_o are in_tdata_i/in_tlast_i; output k has its own out_tvalid_o[k] and
// out_tready_i[k].
//
// Latency and cycle model: combinational (zero cycles); one beat per cycle when every consumer
// is ready. in_tready_o depends combinationally on out_tready_i (and out_tvalid_o on in_tvalid_i): put a
// skid_buffer on an output whose consumer is far away, or before the fork.
//
// Parameter constraints: N >= 1, DataW >= 1.
`default_nettype none

module stream_fork #(
  parameter integer N     = 2,  // number of output streams
  parameter integer DataW = 8   // tdata width in bits
) (
  input  wire             clk_i,       // clock, rising edge
  input  wire             rst_ni,      // synchronous reset, active low

  // input stream
  input  wire             in_tvalid_i,  // input beat valid
  output wire             in_tready_o,  // every output has taken (or takes now) the beat
  input  wire [DataW-1:0] in_tdata_i,   // input beat
  input  wire             in_tlast_i,   // last beat of a frame

  // output streams (shared data, one valid/ready pair per output)
  output wire [N-1:0]     out_tvalid_o,  // output k presents the beat it has not taken yet
  input  wire [N-1:0]     out_tready_i,  // output k takes the beat
  output wire [DataW-1:0] out_tdata_o,   // the beat, for every output
  output wire             out_tlast_o    // last beat of a frame, for every output
);

  generate
    if (N < 1 || DataW < 1) begin : gen_param_error
      initial begin
        $display("stream_fork: parameter error: N (%0d) and DataW (%0d) must be >= 1", N, DataW);
        $finish;
      end
      stream_fork_error_n_and_dataw_must_be_positive u_param_error ();
    end
  endgenerate

  reg  [N-1:0] taken_q;  // output k already took the current input beat
  wire [N-1:0] done = taken_q | out_tready_i;  // output k has the beat by the end of this cycle

  assign out_tvalid_o = {N{in_tvalid_i}} & ~taken_q;
  assign in_tready_o = &done;
  assign out_tdata_o  = in_tdata_i;
  assign out_tlast_o  = in_tlast_i;

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      taken_q <= {N{1'b0}};
    end else if (in_tvalid_i) begin
      // the beat is released when all outputs are done; otherwise remember who took it
      taken_q <= (&done) ? {N{1'b0}} : (taken_q | (out_tvalid_o & out_tready_i));
    end
  end

endmodule

`default_nettype wire
