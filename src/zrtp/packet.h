// SPDX-License-Identifier: GPL-3.0-or-later
// ZRTP packet framing and message layouts, RFC 6189 §5. Parsing never trusts a length it
// has not checked against the buffer; a parsed message points into the caller's buffer.
#ifndef SC_ZRTP_PACKET_H
#define SC_ZRTP_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_ZRTP_HEADER_LEN 12     // 0x10 0x00 seq(2) 'ZRTP' ssrc(4)
#define SC_ZRTP_CRC_LEN 4
#define SC_ZRTP_MSG_MAX 1024      // the longest we build is a DH3k DHPart: 468 bytes
#define SC_ZRTP_PACKET_MAX (SC_ZRTP_HEADER_LEN + SC_ZRTP_MSG_MAX + SC_ZRTP_CRC_LEN)
#define SC_ZRTP_MAGIC 0x5a525450u // 'ZRTP'
#define SC_ZRTP_VERSION "1.10"
#define SC_ZRTP_ALGO_LIST_MAX 7   // a Hello count field is 4 bits; RFC 6189 allows up to 7

enum sc_zrtp_msg_type {
	SC_ZRTP_MSG_HELLO,
	SC_ZRTP_MSG_HELLOACK,
	SC_ZRTP_MSG_COMMIT,
	SC_ZRTP_MSG_DHPART1,
	SC_ZRTP_MSG_DHPART2,
	SC_ZRTP_MSG_CONFIRM1,
	SC_ZRTP_MSG_CONFIRM2,
	SC_ZRTP_MSG_CONF2ACK,
	SC_ZRTP_MSG_ERROR,
	SC_ZRTP_MSG_ERRORACK,
	SC_ZRTP_MSG_GOCLEAR,
	SC_ZRTP_MSG_CLEARACK,
	SC_ZRTP_MSG_SASRELAY,
	SC_ZRTP_MSG_RELAYACK,
	SC_ZRTP_MSG_PING,
	SC_ZRTP_MSG_PINGACK,
	SC_ZRTP_MSG_COUNT
};

// The 8-character type block as on the wire ("Hello   ") and a trimmed name ("Hello").
const char *sc_zrtp_msg_block(enum sc_zrtp_msg_type type);
const char *sc_zrtp_msg_name(enum sc_zrtp_msg_type type);

// Algorithm names are kept as the 4 bytes received, so unknown ones survive to be shown.
struct sc_zrtp_algo_list {
	uint8_t n;
	char names[SC_ZRTP_ALGO_LIST_MAX][4];
};

struct sc_zrtp_hello {
	char version[4];
	char client_id[16];
	uint8_t h3[32];
	uint8_t zid[12];
	bool sig_capable, mitm, passive;
	struct sc_zrtp_algo_list hash, cipher, auth, ka, sas;
	uint8_t mac[8];
};

struct sc_zrtp_commit {
	uint8_t h2[32];
	uint8_t zid[12];
	char hash[4], cipher[4], auth[4], ka[4], sas[4];
	bool dh_mode;          // Mult and Prsh carry a nonce instead of hvi
	uint8_t hvi[32];
	uint8_t nonce[16];
	uint8_t mac[8];
};

struct sc_zrtp_dhpart {
	uint8_t h1[32];
	uint8_t rs1_id[8], rs2_id[8], aux_id[8], pbx_id[8];
	const uint8_t *pv;
	size_t pv_len;
	uint8_t mac[8];
};

// Confirm1/2 and SASrelay: MAC and IV in the clear, the rest encrypted.
struct sc_zrtp_confirm {
	uint8_t mac[8];
	uint8_t iv[16];
	const uint8_t *encrypted;
	size_t encrypted_len;
};

// The decrypted part of a Confirm.
struct sc_zrtp_confirm_plain {
	uint8_t h0[32];
	uint16_t sig_len_words;
	bool enrollment, verified, allow_clear, disclosure; // E V A D
	uint32_t cache_expiry_s;                           // 0xffffffff: never
};

struct sc_zrtp_ping {
	char version[4];
	uint8_t endpoint_hash[8];
};

struct sc_zrtp_pingack {
	char version[4];
	uint8_t endpoint_hash[8];
	uint8_t ping_endpoint_hash[8];
	uint32_t ping_ssrc;
};

struct sc_zrtp_packet {
	uint16_t seq;
	uint32_t ssrc;
	bool crc_ok;
	uint32_t crc_received, crc_computed;
	enum sc_zrtp_msg_type type;
	const uint8_t *msg; // the message, preamble to end: what hvi, total_hash and MACs cover
	size_t msg_len;
	union {
		struct sc_zrtp_hello hello;
		struct sc_zrtp_commit commit;
		struct sc_zrtp_dhpart dhpart;
		struct sc_zrtp_confirm confirm;
		uint32_t error_code;
		uint8_t goclear_mac[8];
		struct sc_zrtp_ping ping;
		struct sc_zrtp_pingack pingack;
	} u;
};

// True when BUF looks like ZRTP (first nibble 1 and the magic cookie): how the media layer
// tells ZRTP from RTP on the shared port.
bool sc_zrtp_is_zrtp(const uint8_t *buf, size_t len);

// Parses framing and message. Returns 0 with OUT->crc_ok telling whether the checksum
// holds (the inspector shows both), or -EBADMSG when the bytes are not a well-formed ZRTP
// packet: wrong header, length field disagreeing with the size, unknown type, bad layout.
int sc_zrtp_packet_parse(const uint8_t *buf, size_t len, struct sc_zrtp_packet *out);

// Wraps MSG into a packet with header and CRC; returns the packet length or -ENOSPC.
int sc_zrtp_frame(uint8_t *out, size_t cap, uint16_t seq, uint32_t ssrc, const uint8_t *msg,
		  size_t msg_len);

// Message builders write the whole message into OUT (which must hold SC_ZRTP_MSG_MAX) and
// return its length; the MAC field, when the message has one, is left zero for the caller
// to fill with sc_zrtp_msg_fill_mac once the key is known.
size_t sc_zrtp_build_hello(uint8_t *out, const struct sc_zrtp_hello *hello);
size_t sc_zrtp_build_commit(uint8_t *out, const struct sc_zrtp_commit *commit);
size_t sc_zrtp_build_dhpart(uint8_t *out, bool part2, const struct sc_zrtp_dhpart *dhpart);
// Confirm: PLAIN is encrypted by the caller; this lays out MAC, IV and ENCRYPTED.
size_t sc_zrtp_build_confirm(uint8_t *out, bool confirm2, const struct sc_zrtp_confirm *confirm);
size_t sc_zrtp_build_simple(uint8_t *out, enum sc_zrtp_msg_type type); // the ACKs
size_t sc_zrtp_build_error(uint8_t *out, uint32_t code);
size_t sc_zrtp_build_ping(uint8_t *out, const struct sc_zrtp_ping *ping);
size_t sc_zrtp_build_pingack(uint8_t *out, const struct sc_zrtp_pingack *ack);
size_t sc_zrtp_build_goclear(uint8_t *out, const uint8_t mac[8]);

// The encrypted part of Confirm (40 bytes without a signature).
#define SC_ZRTP_CONFIRM_PLAIN_LEN 40
void sc_zrtp_confirm_plain_encode(uint8_t out[SC_ZRTP_CONFIRM_PLAIN_LEN],
				  const struct sc_zrtp_confirm_plain *plain);
int sc_zrtp_confirm_plain_decode(const uint8_t *in, size_t len, struct sc_zrtp_confirm_plain *out);

// Fills the last 8 bytes of MSG with HMAC-SHA-256(KEY, MSG without them).
int sc_zrtp_msg_fill_mac(uint8_t *msg, size_t len, const uint8_t key[32]);
// Checks that MAC; 0 when it holds, -EBADMSG otherwise.
int sc_zrtp_msg_check_mac(const uint8_t *msg, size_t len, const uint8_t key[32]);

// RFC 6189 §5.9 error codes and their meaning.
const char *sc_zrtp_error_text(uint32_t code);

#endif
