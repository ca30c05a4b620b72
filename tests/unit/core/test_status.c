// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/status.h"
#include "check.h"

static struct sc_vpn_peer_status peers[2];

static struct sc_status sample(void)
{
	memset(peers, 0, sizeof(peers));
	snprintf(peers[0].name, sizeof(peers[0].name), "lyon");
	snprintf(peers[0].endpoint, sizeof(peers[0].endpoint), "198.51.100.7:51820");
	peers[0].last_handshake_age_s = 12;
	peers[0].rx_bytes = 1234;
	peers[0].tx_bytes = 5678;
	peers[0].up = true;
	snprintf(peers[1].name, sizeof(peers[1].name), "nice");
	peers[1].last_handshake_age_s = -1;
	peers[1].up = false;
	snprintf(peers[1].reason, sizeof(peers[1].reason), "no handshake yet");
	return (struct sc_status){
		.site = "paris", .state = "degraded",
		.state_reason = "1 of 2 peers up after 20 s; stale: nice (no handshake yet)",
		.interface = "sc0", .backend = "userspace", .address = "10.77.0.1/24",
		.peers = peers, .n_peers = 2,
	};
}

static void test_text(void)
{
	struct sc_status st = sample();
	struct sc_outbuf b;
	sc_outbuf_init(&b, 1 << 16);
	CHECK_EQ_INT(sc_status_render_text(&st, &b), 0);
	const char *want =
		"site: paris\n"
		"state: degraded\n"
		"reason: 1 of 2 peers up after 20 s; stale: nice (no handshake yet)\n"
		"tunnel: sc0 (userspace) 10.77.0.1/24\n"
		"peer lyon: up endpoint 198.51.100.7:51820 handshake 12s ago rx 1234 tx 5678\n"
		"peer nice: stale endpoint none handshake never rx 0 tx 0 (no handshake yet)\n";
	if (strcmp(b.data, want) != 0)
		fprintf(stderr, "got:\n%s", b.data);
	CHECK(strcmp(b.data, want) == 0);
	sc_outbuf_free(&b);

	// Control characters from WireGuard or the policy never reach the terminal.
	snprintf(peers[1].reason, sizeof(peers[1].reason), "evil\x1b[2J\nline");
	sc_outbuf_init(&b, 1 << 16);
	CHECK_EQ_INT(sc_status_render_text(&st, &b), 0);
	CHECK_STR_CONTAINS(b.data, "(evil?[2J?line)\n");
	sc_outbuf_free(&b);
}

static void test_json(void)
{
	struct sc_status st = sample();
	struct sc_outbuf b;
	sc_outbuf_init(&b, 1 << 16);
	CHECK_EQ_INT(sc_status_render_json(&st, &b), 0);
	const char *want =
		"{\"site\":\"paris\",\"state\":\"degraded\",\"tunnel\":{\"interface\":\"sc0\","
		"\"backend\":\"userspace\",\"address\":\"10.77.0.1/24\"},\"peers\":["
		"{\"name\":\"lyon\",\"endpoint\":\"198.51.100.7:51820\",\"last_handshake_age_s\":12,"
		"\"rx_bytes\":1234,\"tx_bytes\":5678,\"status\":\"up\",\"reason\":\"\"},"
		"{\"name\":\"nice\",\"endpoint\":\"\",\"last_handshake_age_s\":-1,"
		"\"rx_bytes\":0,\"tx_bytes\":0,\"status\":\"stale\",\"reason\":\"no handshake yet\"}"
		"]}\n";
	if (strcmp(b.data, want) != 0)
		fprintf(stderr, "got:\n%s", b.data);
	CHECK(strcmp(b.data, want) == 0);
	sc_outbuf_free(&b);

	snprintf(peers[1].reason, sizeof(peers[1].reason), "say \"hi\"\n\\");
	sc_outbuf_init(&b, 1 << 16);
	CHECK_EQ_INT(sc_status_render_json(&st, &b), 0);
	CHECK_STR_CONTAINS(b.data, "\"reason\":\"say \\\"hi\\\"\\n\\\\\"}");
	sc_outbuf_free(&b);

	// Too little room is an error, not a truncated document.
	sc_outbuf_init(&b, 100);
	CHECK(sc_status_render_json(&st, &b) < 0);
	sc_outbuf_free(&b);

	st.n_peers = 0;
	sc_outbuf_init(&b, 1 << 16);
	CHECK_EQ_INT(sc_status_render_json(&st, &b), 0);
	CHECK_STR_CONTAINS(b.data, "\"peers\":[]}");
	sc_outbuf_free(&b);
}

// The call's DTMF line and object: counts, the last digits received, and a call whose far
// end agreed no telephone-event.
static void test_dtmf(void)
{
	struct sc_status st = sample();
	struct sc_call_status c = {
		.state = "in-call", .peer = "lyon", .direction = "outgoing", .duration_s = 42,
		.tls_version = "TLSv1.3", .tls_cipher = "TLS13-AES128-GCM-SHA256", .codec = "PCMU",
		.last_end = "", .sip = "listening on 10.77.0.1:5061 (TLS, sc0)", .registration = "",
		.media = "", .volume = -1,
		.have_dtmf = true, .dtmf_negotiated = true, .dtmf_sent = 2, .dtmf_received = 6,
		.dtmf_heard = "159#*0",
	};
	st.call = &c;
	struct sc_outbuf b;
	sc_outbuf_init(&b, 1 << 16);
	CHECK_EQ_INT(sc_status_render_text(&st, &b), 0);
	CHECK_STR_CONTAINS(b.data, "\ndtmf: received 6 (last 159#*0) sent 2\n");
	sc_outbuf_free(&b);
	sc_outbuf_init(&b, 1 << 16);
	CHECK_EQ_INT(sc_status_render_json(&st, &b), 0);
	CHECK_STR_CONTAINS(b.data, "\"dtmf\":{\"telephone_event\":true,\"sent\":2,\"received\":6,"
				   "\"last_received\":\"159#*0\"}");
	sc_outbuf_free(&b);

	c.dtmf_negotiated = false;
	c.dtmf_received = 0;
	c.dtmf_sent = 0;
	c.dtmf_heard = "";
	sc_outbuf_init(&b, 1 << 16);
	CHECK_EQ_INT(sc_status_render_text(&st, &b), 0);
	CHECK_STR_CONTAINS(b.data, "\ndtmf: received 0 sent 0 (the far end did not negotiate "
				   "telephone-event: cannot send)\n");
	sc_outbuf_free(&b);

	// no call media: no line, and no member in JSON
	c.have_dtmf = false;
	sc_outbuf_init(&b, 1 << 16);
	CHECK_EQ_INT(sc_status_render_text(&st, &b), 0);
	CHECK(strstr(b.data, "dtmf:") == NULL);
	sc_outbuf_free(&b);
	sc_outbuf_init(&b, 1 << 16);
	CHECK_EQ_INT(sc_status_render_json(&st, &b), 0);
	CHECK(strstr(b.data, "dtmf") == NULL);
	sc_outbuf_free(&b);
}

int main(void)
{
	test_dtmf();
	test_text();
	test_json();
	return check_done();
}
