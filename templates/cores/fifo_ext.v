// fifo_ext: a stream FIFO whose storage is a region of external memory. A small on-chip tail
// FIFO collects the input beats and writes them to memory; a small on-chip head FIFO receives
// the words read back and presents them on the output. Used for map buffers too large for
// on-chip RAM (the SE full-map buffer and the lag FIFOs of the residual / SE joins).
//
// What it computes: out = in, beat for beat (data unchanged, order kept). tlast is not stored:
// the stream's frames are FrameBeats beats long, so the FIFO raises out_tlast_o on every
// FrameBeats-th beat (simulation checks that in_tlast_i agrees and stops if it does not).
//
// Streams: in (input) and out (output): tvalid, tready, tdata [DataW-1:0], tlast.
//
// Memory port (one per FIFO; addresses are byte addresses, one word = WordBytes bytes holding
// one beat in its low DataW bits, the rest zero):
//   write request  mem_wr_valid_o / mem_wr_ready_i / mem_wr_addr_o / mem_wr_data_o: one word per
//                  request (AXI4: AW and W of a single-beat burst, AWSIZE = log2(WordBytes)).
//                  valid, addr and data are held until ready.
//   write done     mem_wr_done_i: one pulse per completed write, in request order (AXI4 B with
//                  BREADY = 1). A word is read back only after its write is done.
//   read request   mem_rd_valid_o / mem_rd_ready_i / mem_rd_addr_o: one word per request (AXI4 AR
//                  of a single-beat burst); valid and addr held until ready.
//   read response  mem_rsp_valid_i / mem_rsp_ready_o / mem_rsp_data_i: the words, in request
//                  order (AXI4 R). The FIFO reserves head room for every read it issues, so
//                  mem_rsp_ready_o stays high.
// Addresses run Base, Base + WordBytes, ..., Base + (Depth-1)*WordBytes and wrap: the region is
// Depth*WordBytes bytes. A slot is written again only after its previous word was read back.
//
// Capacity: Depth beats in memory plus TailDepth + 1 in the tail and HeadDepth in the head.
// Latency: a beat entering an empty FIFO leaves after the tail (2 cycles), the write round trip,
// the read round trip and the head (2 cycles). Throughput: one beat per cycle when the memory
// accepts a write and a read per cycle and its read latency is under HeadDepth cycles.
//
// Parameter constraints: DataW >= 1, Depth >= 1, FrameBeats >= 1, WordBytes a power of two with
// 8*WordBytes >= DataW, Base a multiple of WordBytes, TailDepth >= 1, HeadDepth >= 2.
`default_nettype none

module fifo_ext #(
  parameter integer     DataW      = 16,  // tdata width in bits
  parameter integer     Depth      = 64,  // beats held in the external memory region
  parameter integer     FrameBeats = 16,  // beats per frame (tlast on every FrameBeats-th beat)
  parameter integer     WordBytes  = 2,   // bytes per memory word (power of two, >= DataW/8)
  parameter integer     AddrW      = 32,  // byte address width of the memory port
  parameter [AddrW-1:0] Base       = 0,   // byte address of the region
  parameter integer     TailDepth  = 16,  // on-chip beats before the write channel
  parameter integer     HeadDepth  = 32   // on-chip beats after the read channel (reads in flight)
) (
  input  wire                     clk_i,            // clock, rising edge
  input  wire                     rst_ni,           // synchronous reset, active low (empties the FIFO)

  // input stream
  input  wire                     in_tvalid_i,      // input beat valid
  output wire                     in_tready_o,      // FIFO takes the beat (registered)
  input  wire [DataW-1:0]         in_tdata_i,       // input beat
  input  wire                     in_tlast_i,       // last beat of a frame (checked in simulation)

  // output stream
  output wire                     out_tvalid_o,     // output beat valid (registered)
  input  wire                     out_tready_i,     // downstream takes the beat
  output wire [DataW-1:0]         out_tdata_o,      // output beat (registered)
  output wire                     out_tlast_o,      // last beat of a frame (registered)

  // memory port: write request, write done
  output wire                     mem_wr_valid_o,   // write request valid
  input  wire                     mem_wr_ready_i,   // memory takes the write request
  output wire [AddrW-1:0]         mem_wr_addr_o,    // byte address of the word
  output wire [8*WordBytes-1:0]   mem_wr_data_o,    // the word (beat in the low DataW bits)
  input  wire                     mem_wr_done_i,    // a write completed (in request order)

  // memory port: read request, read response
  output wire                     mem_rd_valid_o,   // read request valid
  input  wire                     mem_rd_ready_i,   // memory takes the read request
  output wire [AddrW-1:0]         mem_rd_addr_o,    // byte address of the word
  input  wire                     mem_rsp_valid_i,  // read data valid (in request order)
  output wire                     mem_rsp_ready_o,  // FIFO takes the read data (always high)
  input  wire [8*WordBytes-1:0]   mem_rsp_data_i    // read data
);

  localparam integer MemW   = 8 * WordBytes;
  localparam integer CntW   = $clog2(Depth + 1);
  localparam integer HcW    = $clog2(HeadDepth + 1);
  localparam integer BeatW  = (FrameBeats > 1) ? $clog2(FrameBeats) : 1;

  generate
    if (DataW < 1 || Depth < 1 || FrameBeats < 1 || WordBytes < 1 || (WordBytes & (WordBytes - 1)) != 0
        || MemW < DataW || (Base % WordBytes) != 0 || TailDepth < 1 || HeadDepth < 2) begin : gen_param_error
      initial begin
        $display("fifo_ext: parameter error: need DataW, Depth, FrameBeats, TailDepth >= 1, HeadDepth >= 2, WordBytes a power of two with 8*WordBytes >= DataW (%0d, %0d), Base %% WordBytes == 0",
                 WordBytes, DataW);
        $finish;
      end
      fifo_ext_error_bad_word_or_depth u_param_error ();
    end
  endgenerate

  localparam integer    LastBeatI = FrameBeats - 1;
  localparam integer    HeadCapI  = HeadDepth;
  localparam [AddrW-1:0] Step     = WordBytes;
  localparam [AddrW-1:0] LastAddr = Base + (Depth - 1) * Step;
  wire [CntW-1:0]  full_count = Depth[CntW-1:0];
  wire [HcW-1:0]   head_cap   = HeadCapI[HcW-1:0];
  wire [BeatW-1:0] last_beat  = LastBeatI[BeatW-1:0];

  // ---- tail: input beats waiting for the write channel ------------------------------------------
  wire             tail_valid;
  wire             tail_ready;
  wire [DataW-1:0] tail_data;
  wire             unused_tail_last;

  wire [$clog2(TailDepth+2)-1:0] unused_tail_count;  // occupancy, not needed

  stream_fifo #(
    .DataW(DataW),
    .Depth(TailDepth)
  ) u_tail (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .in_tvalid_i (in_tvalid_i),
    .in_tready_o (in_tready_o),
    .in_tdata_i  (in_tdata_i),
    .in_tlast_i  (1'b0),
    .out_tvalid_o(tail_valid),
    .out_tready_i(tail_ready),
    .out_tdata_o (tail_data),
    .out_tlast_o (unused_tail_last),
    .count_o     (unused_tail_count)
  );

  // ---- slot accounting ------------------------------------------------------------------------------
  reg [CntW-1:0]  used_q;    // slots written or being written whose word has not been read back
  reg [CntW-1:0]  stored_q;  // words written (done) and not yet requested for reading
  reg [HcW-1:0]   head_q;    // reads in flight plus beats in the head FIFO
  reg [AddrW-1:0] wr_addr_q;
  reg [AddrW-1:0] rd_addr_q;
  reg [BeatW-1:0] rsp_beat_q;  // beat index in the frame of the next read response

  wire room     = (used_q != full_count);
  wire wr_fire  = mem_wr_valid_o && mem_wr_ready_i;
  wire rd_fire  = mem_rd_valid_o && mem_rd_ready_i;
  wire rsp_fire = mem_rsp_valid_i && mem_rsp_ready_o;
  wire out_fire = out_tvalid_o && out_tready_i;

  assign mem_wr_valid_o = tail_valid && room;
  assign tail_ready     = mem_wr_ready_i && room;
  assign mem_wr_addr_o  = wr_addr_q;
  assign mem_rd_valid_o = (stored_q != {CntW{1'b0}}) && (head_q != head_cap);
  assign mem_rd_addr_o  = rd_addr_q;

  generate
    if (MemW > DataW) begin : gen_pad
      assign mem_wr_data_o = {{(MemW - DataW){1'b0}}, tail_data};
      wire unused_rsp_hi = ^mem_rsp_data_i[MemW-1:DataW];
    end else begin : gen_exact
      assign mem_wr_data_o = tail_data;
    end
  endgenerate

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      used_q     <= {CntW{1'b0}};
      stored_q   <= {CntW{1'b0}};
      head_q     <= {HcW{1'b0}};
      wr_addr_q  <= Base;
      rd_addr_q  <= Base;
      rsp_beat_q <= {BeatW{1'b0}};
    end else begin
      if (wr_fire && !rsp_fire)      used_q <= used_q + 1'b1;
      else if (!wr_fire && rsp_fire) used_q <= used_q - 1'b1;
      if (mem_wr_done_i && !rd_fire)      stored_q <= stored_q + 1'b1;
      else if (!mem_wr_done_i && rd_fire) stored_q <= stored_q - 1'b1;
      if (rd_fire && !out_fire)      head_q <= head_q + 1'b1;
      else if (!rd_fire && out_fire) head_q <= head_q - 1'b1;
      if (wr_fire) wr_addr_q <= (wr_addr_q == LastAddr) ? Base : wr_addr_q + Step;
      if (rd_fire) rd_addr_q <= (rd_addr_q == LastAddr) ? Base : rd_addr_q + Step;
      if (rsp_fire) rsp_beat_q <= (rsp_beat_q == last_beat) ? {BeatW{1'b0}} : rsp_beat_q + 1'b1;
    end
  end

  // ---- head: words read back, presented on the output -------------------------------------------------
  wire [$clog2(HeadDepth+2)-1:0] unused_head_count;  // occupancy, not needed

  stream_fifo #(
    .DataW(DataW),
    .Depth(HeadDepth)
  ) u_head (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .in_tvalid_i (mem_rsp_valid_i),
    .in_tready_o (mem_rsp_ready_o),
    .in_tdata_i  (mem_rsp_data_i[DataW-1:0]),
    .in_tlast_i  (rsp_beat_q == last_beat),
    .out_tvalid_o(out_tvalid_o),
    .out_tready_i(out_tready_i),
    .out_tdata_o (out_tdata_o),
    .out_tlast_o (out_tlast_o),
    .count_o     (unused_head_count)
  );

  // ---- input frame check (simulation only) ------------------------------------------------------------
  reg [BeatW-1:0] in_beat_q;  // beat index in the frame of the next input beat
  wire in_fire = in_tvalid_i && in_tready_o;

  always @(posedge clk_i) begin
    if (!rst_ni) in_beat_q <= {BeatW{1'b0}};
    else if (in_fire) in_beat_q <= (in_beat_q == last_beat) ? {BeatW{1'b0}} : in_beat_q + 1'b1;
  end

`ifndef SYNTHESIS
  always @(posedge clk_i) begin
    if (rst_ni && in_fire && (in_tlast_i != (in_beat_q == last_beat))) begin
      $display("fifo_ext %m: tlast %0d at beat %0d of a %0d-beat frame", in_tlast_i, in_beat_q, FrameBeats);
      $stop;
    end
  end
`else
  wire unused_in_check = in_tlast_i ^ (^in_beat_q);
`endif

endmodule

`default_nettype wire
