// SPDX-License-Identifier: GPL-3.0-or-later
// Sockets of the SIP transport, all bound to the tunnel interface and the tunnel address so
// that signaling can neither arrive from nor leave by another path.
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/log.h"
#include "base/strutil.h"
#include "sip/tls_internal.h"

static size_t addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

const char *tls_format_endpoint(int family, const uint8_t *addr, uint16_t port, char *buf,
				size_t len)
{
	char text[INET6_ADDRSTRLEN];
	if (!inet_ntop(family, addr, text, sizeof(text)))
		sc_strcpy(text, sizeof(text), "?");
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", text, port);
	return buf;
}

int tls_sockaddr_split(const struct sockaddr_storage *ss, int *family, uint8_t addr[16],
		       uint16_t *port)
{
	memset(addr, 0, 16);
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		memcpy(addr, &in->sin_addr, 4);
		*port = ntohs(in->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		memcpy(addr, &in6->sin6_addr, 16);
		*port = ntohs(in6->sin6_port);
	} else {
		return -EAFNOSUPPORT;
	}
	*family = ss->ss_family;
	return 0;
}

static socklen_t sockaddr_make(int family, const uint8_t *addr, uint16_t port,
			       struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, addr, 16);
		in6->sin6_port = htons(port);
		return sizeof(*in6);
	}
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	in->sin_family = AF_INET;
	memcpy(&in->sin_addr, addr, addr_len(AF_INET));
	in->sin_port = htons(port);
	return sizeof(*in);
}

int tls_check_interface(const char *ifname, const struct sc_prefix *addr)
{
	struct ifreq ifr;
	char text[INET6_ADDRSTRLEN + 4];
	int rc = 0, fd = -1;
	memset(&ifr, 0, sizeof(ifr));
	if (!ifname || sc_strcpy(ifr.ifr_name, sizeof(ifr.ifr_name), ifname) != 0 ||
	    if_nametoindex(ifname) == 0) {
		sc_err("sip: the tunnel interface %s does not exist: SIP listens only once the "
		       "tunnel is up (check the tunnel messages above)", ifname ? ifname : "(none)");
		return -ENETDOWN;
	}
	fd = socket(addr->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		sc_err("sip: cannot create a socket: %s", strerror(errno));
		goto out;
	}
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		rc = -ENETDOWN;
		sc_err("sip: cannot read the state of %s: %s", ifname, strerror(errno));
		goto out;
	}
	if (!(ifr.ifr_flags & IFF_UP)) {
		rc = -ENETDOWN;
		sc_err("sip: the tunnel interface %s is down: SIP listens only once the tunnel is "
		       "up (tunnel address %s)", ifname, sc_prefix_format(addr, text, sizeof(text)));
	}
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

// A socket pinned to IFNAME: the kernel then neither accepts nor routes its traffic
// through any other interface, whatever the routing table says.
static int bound_socket(const char *ifname, int family, int *out)
{
	int one = 1;
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	*out = fd;
	return 0;
}

int tls_listen_socket(const char *ifname, const struct sc_prefix *addr, uint16_t port, int *out)
{
	struct sockaddr_storage ss;
	char where[INET6_ADDRSTRLEN + 16];
	int fd = -1;
	int rc = bound_socket(ifname, addr->family, &fd);
	tls_format_endpoint(addr->family, addr->addr, port, where, sizeof(where));
	if (rc != 0) {
		sc_err("sip: cannot bind a socket to the tunnel interface %s: %s (the daemon needs "
		       "CAP_NET_RAW or a kernel of 5.7 or later)", ifname, strerror(-rc));
		goto out;
	}
	socklen_t len = sockaddr_make(addr->family, addr->addr, port, &ss);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		rc = -errno;
		if (rc == -EADDRINUSE)
			sc_err("sip: %s is already in use: another sealcalld, or another program on "
			       "sip.port %u; stop it or change sip.port", where, port);
		else if (rc == -EADDRNOTAVAIL)
			sc_err("sip: cannot listen on %s: the tunnel address is not assigned on this "
			       "host (is the tunnel %s configured?)", where, ifname);
		else
			sc_err("sip: cannot listen on %s: %s", where, strerror(-rc));
		goto out;
	}
	if (listen(fd, 64) < 0) {
		rc = -errno;
		sc_err("sip: cannot listen on %s: %s", where, strerror(-rc));
		goto out;
	}
	*out = fd;
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

int tls_connect_socket(const char *ifname, const struct sc_prefix *src,
		       const struct sc_prefix *dst, uint16_t port, int *out)
{
	struct sockaddr_storage ss;
	int fd = -1;
	int rc = bound_socket(ifname, src->family, &fd);
	if (rc != 0)
		goto out;
	socklen_t len = sockaddr_make(src->family, src->addr, 0, &ss);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		rc = -errno;
		goto out;
	}
	len = sockaddr_make(dst->family, dst->addr, port, &ss);
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
		rc = -errno;
		goto out;
	}
	*out = fd;
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}
