// SPDX-License-Identifier: GPL-3.0-or-later
// The operator's SITES.yaml: the whole deployment in one file, from which `sealcall provision`
// makes every site's bundle. Parsed strictly, like the policy: unknown keys, duplicates and
// impossible addressing are errors with their place in the file and the fix.
#ifndef SC_PROVISION_SITES_H
#define SC_PROVISION_SITES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "policy/policy.h"

// A mesh site peers with every other one, so the policy's 1024-peer limit bounds it; a hub
// site's directory lists every other site, within the policy's 1024 entries.
#define SC_SITES_MAX 1024
#define SC_SITES_MAX_INPUT (4 * 1024 * 1024)
// NAME.DOMAIN must stay a DNS name (253) with a 32-character site name in front.
#define SC_DOMAIN_MAX (SC_HOST_MAX - SC_NAME_MAX - 1)
// The policy's audio.device holds at most this many characters.
#define SC_AUDIO_DEVICE_MAX 63

enum sc_topology { SC_TOPOLOGY_MESH, SC_TOPOLOGY_HUB };

// Where a value was written, so that checks made after parsing can still point at it.
struct sc_sites_place {
	unsigned line, column; // 1-based; 0 when absent from the file
};

struct sc_endpoint {
	char host[SC_HOST_MAX + 1]; // IPv6 without brackets
	uint16_t port;
};

// An authorized_keys file that bundles carry (ssh_authorized_keys): read and checked once
// however many sites name it, and the bytes checked are the bytes written.
struct sc_ssh_keys_file {
	char path[SC_PATH_MAX]; // as written, resolved against the sites file's folder
	char *data;             // its content once read and checked; NULL before
	size_t len;
	char key[64];           // where it was first named (sites[2].ssh_authorized_keys), for errors
	struct sc_sites_place at;
};

// A site's ssh_authorized_keys: an index into sites->ssh_keys_files, or one of these.
#define SC_SSH_KEYS_NONE (-1)    // no file: SSH stays off on the appliance
#define SC_SSH_KEYS_INHERIT (-2) // while parsing only: not given for the site

struct sc_site {
	char name[SC_NAME_MAX + 1];
	bool has_endpoint;
	struct sc_endpoint endpoint;
	bool has_address;            // else allocated from the subnet
	struct sc_prefix address;    // host address (/32 or /128)
	char hotline[SC_NAME_MAX + 1]; // "" when none
	char interface[SC_IFNAME_MAX + 1]; // its WireGuard interface: "sc0" unless given
	char audio_device[SC_AUDIO_DEVICE_MAX + 1]; // "" = the deployment's audio_device
	int ssh_keys; // SC_SSH_KEYS_NONE or an index into sites->ssh_keys_files (already inherited)
	struct sc_sites_place at, name_at, endpoint_at, address_at, hotline_at;
};

struct sc_hub {
	char name[SC_NAME_MAX + 1];  // "hub" by default
	struct sc_endpoint endpoint;
	bool has_address;            // else the subnet's last usable address
	struct sc_prefix address;
	uint16_t sip_port;           // Kamailio's TLS port on the tunnel address (5061)
	struct sc_sites_place at, name_at, address_at;
};

struct sc_sites {
	char source_file[SC_PATH_MAX];
	enum sc_topology topology;
	struct sc_prefix subnet;     // a network: host bits zero
	uint16_t listen_port;        // every site's WireGuard UDP port
	char domain[SC_DOMAIN_MAX + 1];
	char zrtp_cache_file[SC_PATH_MAX]; // written as is into every policy
	char audio_device[SC_AUDIO_DEVICE_MAX + 1]; // every site's audio.device unless its own
	int ssh_keys; // the top-level ssh_authorized_keys: SC_SSH_KEYS_NONE or an index
	struct sc_ssh_keys_file *ssh_keys_files;
	size_t n_ssh_keys_files;
	bool has_hub;
	struct sc_hub hub;
	struct sc_site *sites;
	size_t n_sites;
	struct sc_sites_place topology_at, subnet_at, listen_port_at, sites_at;
};

struct sc_sites_error {
	char file[SC_PATH_MAX];
	unsigned line, column; // 0 when not tied to a place
	char key[128];         // dotted path: sites[2].address
	char message[512];     // what is wrong, then the fix
};

struct sc_sites_errors {
	struct sc_sites_error *items;
	size_t count;
};

// Parses and checks FILE. Returns 0 with *OUT set (free with sc_sites_free), or -EINVAL
// (or -errno when the file cannot be read) with every problem in ERRORS.
int sc_sites_load(const char *file, struct sc_sites **out, struct sc_sites_errors *errors);
// The same from a buffer; NAME stands in for the file name in messages.
int sc_sites_load_buffer(const char *name, const char *data, size_t len, struct sc_sites **out,
			 struct sc_sites_errors *errors);
void sc_sites_free(struct sc_sites *sites);
void sc_sites_errors_free(struct sc_sites_errors *errors);
// One line per error: "file:line:column: key: message".
void sc_sites_errors_print(const struct sc_sites_errors *errors, FILE *out);

const struct sc_site *sc_sites_find(const struct sc_sites *sites, const char *name);
// "host:port", "[v6]:port" for IPv6 literals.
void sc_endpoint_format(const struct sc_endpoint *e, char *buf, size_t len);

#endif
