// SPDX-License-Identifier: GPL-3.0-or-later
// The operator's YAML policy, parsed and validated into one immutable configuration.
// Nothing outside src/policy/ writes to a struct sc_policy; every other layer reads it.
#ifndef SC_POLICY_POLICY_H
#define SC_POLICY_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_NAME_MAX 32    // site and peer names: [a-z0-9-], starting with a letter
#define SC_IFNAME_MAX 15  // Linux IFNAMSIZ - 1
#define SC_PATH_MAX 256
#define SC_URI_MAX 256
#define SC_HOST_MAX 253
#define SC_WG_KEY_LEN 32
#define SC_MAX_LIST 8     // algorithm and codec preference lists

// An address with a prefix length: 10.77.0.1/24, fd00::1/64, or a host route /32 /128.
struct sc_prefix {
	int family;        // AF_INET or AF_INET6
	uint8_t addr[16];  // network byte order; IPv4 uses the first 4 bytes
	uint8_t prefix_len;
};

enum sc_tunnel_backend { SC_BACKEND_AUTO, SC_BACKEND_KERNEL, SC_BACKEND_USERSPACE };

struct sc_peer {
	char name[SC_NAME_MAX + 1];
	uint8_t public_key[SC_WG_KEY_LEN];
	bool has_endpoint;
	char endpoint_host[SC_HOST_MAX + 1]; // IP literal or DNS name, resolved by the tunnel layer;
					     // IPv6 without brackets ("2001:db8::7")
	uint16_t endpoint_port;
	struct sc_prefix *allowed_ips;
	size_t n_allowed_ips;
	uint16_t persistent_keepalive_s;     // 0: off
	char preshared_key_file[SC_PATH_MAX]; // "" when none; else 0600, 32 bytes base64
};

struct sc_tunnel {
	char interface[SC_IFNAME_MAX + 1];
	enum sc_tunnel_backend backend;
	char private_key_file[SC_PATH_MAX]; // 0600, one base64 key as `wg genkey` writes it
	struct sc_prefix address;           // this site's tunnel address and its subnet
	uint16_t listen_port;
	uint16_t mtu;                       // 0: route MTU of the underlay minus 80
	uint32_t stale_after_s;             // peer stale when the handshake is older (180)
	struct sc_peer *peers;
	size_t n_peers;
};

enum sc_tls_version { SC_TLS_1_2 = 12, SC_TLS_1_3 = 13 };

enum sc_digest_algorithm { SC_DIGEST_MD5, SC_DIGEST_SHA256 };

struct sc_registrar {
	char uri[SC_URI_MAX];       // sips: only
	char host[SC_HOST_MAX + 1]; // from the URI
	uint16_t port;              // from the URI, 5061 when absent
	struct sc_prefix address;   // the registrar's tunnel address (must lie in a peer's allowed IPs)
	char username[SC_NAME_MAX * 2 + 1];
	char password_file[SC_PATH_MAX]; // 0600
	uint32_t expires_s;
};

struct sc_sip {
	uint16_t port;                  // TLS listener on the tunnel address (5061)
	enum sc_tls_version tls_min_version;
	char certificate[SC_PATH_MAX];
	char private_key[SC_PATH_MAX];  // 0600
	char ca[SC_PATH_MAX];
	bool has_registrar;
	struct sc_registrar registrar;
};

struct sc_directory_entry {
	char name[SC_NAME_MAX + 1];
	char uri[SC_URI_MAX];        // sips:user@host[:port]
	struct sc_prefix address;    // the site's tunnel address (/32 or /128)
	bool hotline;                // the headset's idle button calls this site
	bool has_pin;
	uint8_t spki_sha256[32];     // optional pin of the site's TLS public key
};

enum sc_codec { SC_CODEC_PCMU, SC_CODEC_PCMA, SC_CODEC_OPUS };
enum sc_zrtp_hash { SC_ZRTP_S256, SC_ZRTP_S384 };
enum sc_zrtp_cipher { SC_ZRTP_AES1, SC_ZRTP_AES3 };
enum sc_zrtp_auth { SC_ZRTP_HS32, SC_ZRTP_HS80 };
enum sc_zrtp_key_agreement { SC_ZRTP_DH3K, SC_ZRTP_EC25, SC_ZRTP_X255 };
enum sc_zrtp_sas { SC_ZRTP_B32, SC_ZRTP_B256 };

struct sc_zrtp_policy {
	enum sc_zrtp_key_agreement key_agreements[SC_MAX_LIST];
	size_t n_key_agreements;
	enum sc_zrtp_hash hashes[SC_MAX_LIST];
	size_t n_hashes;
	enum sc_zrtp_cipher ciphers[SC_MAX_LIST];
	size_t n_ciphers;
	enum sc_zrtp_auth auth_tags[SC_MAX_LIST];
	size_t n_auth_tags;
	enum sc_zrtp_sas sas_types[SC_MAX_LIST];
	size_t n_sas_types;
	char cache_file[SC_PATH_MAX];
};

struct sc_media {
	enum sc_codec codecs[SC_MAX_LIST];
	size_t n_codecs;
	uint16_t rtp_port_min, rtp_port_max;
	uint32_t ptime_ms;            // 10 or 20
	bool allow_sdes;              // a=crypto accepted only when true (default false)
	struct sc_zrtp_policy zrtp;
};

enum sc_on_cache_mismatch { SC_MISMATCH_HANGUP, SC_MISMATCH_WARN };
enum sc_on_unplug { SC_UNPLUG_CONTINUE, SC_UNPLUG_HANGUP };

struct sc_rules {
	bool require_tunnel;          // refuse calls with peers whose handshake is stale (true)
	bool require_verified_sas;    // end a call whose SAS was never verified (false)
	enum sc_on_cache_mismatch on_cache_mismatch; // hangup
	bool accept_unknown_callers;  // false; even true never skips the certificate check
	bool auto_answer;             // false
};

struct sc_buttons {
	uint16_t call[SC_MAX_LIST];   // evdev key codes: idle calls hotline, ringing answers, in call hangs up
	size_t n_call;
	uint16_t mute[SC_MAX_LIST];
	size_t n_mute;
	uint32_t long_press_ms;       // a press this long while or after the SAS is spoken verifies it
};

struct sc_audio {
	char device[64];              // "auto" (first USB audio card) or an ALSA card name
	char input_device[SC_PATH_MAX]; // "" = the evdev node of the same USB headset
	enum sc_on_unplug on_unplug;
	uint32_t volume_percent;
	struct sc_buttons buttons;
};

struct sc_policy {
	char source_file[SC_PATH_MAX];
	char site_name[SC_NAME_MAX + 1];
	struct sc_tunnel tunnel;
	struct sc_sip sip;
	struct sc_directory_entry *directory;
	size_t n_directory;
	struct sc_media media;
	struct sc_rules rules;
	struct sc_audio audio;
};

// One problem found in the policy, with where it is and how to fix it.
struct sc_policy_error {
	char file[SC_PATH_MAX];
	unsigned line, column;  // 1-based; 0 when the problem is not tied to a place
	char key[128];          // dotted path: tunnel.peers[1].allowed_ips
	char message[512];      // what is wrong and the fix, one sentence each
};

struct sc_policy_errors {
	struct sc_policy_error *items;
	size_t count;
};

// Parses and validates FILE. On success returns 0 and *out (free with sc_policy_free).
// On failure returns -EINVAL (or -errno when the file cannot be read) and fills ERRORS with
// every problem found (free with sc_policy_errors_free). With check_files false, referenced
// key and certificate files are not opened (for fuzzing and for unit tests of the schema).
int sc_policy_load(const char *file, bool check_files, struct sc_policy **out,
		   struct sc_policy_errors *errors);
// The same from a buffer; NAME stands in for the file name in messages, and relative paths
// in the policy are resolved against NAME's directory.
int sc_policy_load_buffer(const char *name, const char *data, size_t len, bool check_files,
			  struct sc_policy **out, struct sc_policy_errors *errors);
void sc_policy_free(struct sc_policy *policy);
void sc_policy_errors_free(struct sc_policy_errors *errors);
// Prints each error as "file:line:column: key: message" ("file: message" when the error
// has no place or key, e.g. a policy file that cannot be opened).
void sc_policy_errors_print(const struct sc_policy_errors *errors, void *stdio_file);

// Lookups used by the layers above.
const struct sc_peer *sc_policy_peer_for_address(const struct sc_policy *p, int family,
						 const uint8_t *addr);
const struct sc_directory_entry *sc_policy_directory_find(const struct sc_policy *p,
							  const char *name);
const struct sc_directory_entry *sc_policy_hotline(const struct sc_policy *p);
bool sc_prefix_contains(const struct sc_prefix *net, int family, const uint8_t *addr);
// Formats "10.77.0.1/24"; BUF must hold INET6_ADDRSTRLEN + 4.
const char *sc_prefix_format(const struct sc_prefix *p, char *buf, size_t len);
// The evdev name of a button code from audio.buttons ("KEY_PLAYPAUSE"), NULL when unknown.
const char *sc_policy_key_name(unsigned code);

#endif
