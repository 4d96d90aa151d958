// weight_stream_model: SIMULATION ONLY (never in a synthesis file list). Plays a weight file
// ($readmemh, Words words of WordW bits) on a stream over and over, in file order, with random
// gaps: the source of an MVAU weight stream in the generated `<top>_sim` wrapper.
//
// Behaviour: word k mod Words is presented after word k-1 was taken; in any cycle where no word
// is presented or the presented one was just taken, the next one is withheld with probability
// stall_permille_i / 1000 (a 32-bit LFSR seeded by Seed). A presented word is held until taken.
//
// Parameter constraints: WordW >= 1, Words >= 1, File names a readable file, Seed != 0.
`default_nettype none

module weight_stream_model #(
  parameter integer WordW = 8,   // bits per word
  parameter integer Words = 16,  // words in the file (one pass of the weights of a pixel)
  parameter         File  = "",  // $readmemh file
  parameter integer Seed  = 1    // LFSR seed of the gap pattern (non-zero)
) (
  input  wire             clk_i,             // clock, rising edge
  input  wire             rst_ni,            // synchronous reset, active low
  input  wire [9:0]       stall_permille_i,  // probability per cycle of a gap

  output wire             tvalid_o,          // word valid
  input  wire             tready_i,          // word taken
  output wire [WordW-1:0] tdata_o            // word
);

  localparam integer AddrW = (Words > 1) ? $clog2(Words) : 1;
  localparam integer LastI = Words - 1;
  wire [AddrW-1:0] last = LastI[AddrW-1:0];

  reg [WordW-1:0] rom_q [0:Words-1];
  initial $readmemh(File, rom_q);

  reg             valid_q;
  reg [AddrW-1:0] addr_q;
  reg [31:0]      lfsr_q;
  wire            gap = ({22'd0, lfsr_q[9:0]} % 32'd1000) < {22'd0, stall_permille_i};

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
      addr_q  <= {AddrW{1'b0}};
      lfsr_q  <= Seed;
    end else begin
      lfsr_q <= {lfsr_q[30:0], 1'b0} ^ (lfsr_q[31] ? 32'h04C11DB7 : 32'h0);
      if (valid_q && tready_i) addr_q <= (addr_q == last) ? {AddrW{1'b0}} : addr_q + 1'b1;
      if (!valid_q || tready_i) valid_q <= !gap;
    end
  end

  assign tvalid_o = valid_q;
  assign tdata_o  = rom_q[addr_q];

endmodule

`default_nettype wire
