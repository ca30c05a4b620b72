// SPDX-License-Identifier: GPL-3.0-or-later
#include "vpn/wg_go.h"

#include "base/log.h"
#include "base/strutil.h"
#include "policy/policy.h"
#include "vpn/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SOCKET_WAIT_MS 3000
#define STOP_WAIT_MS 3000
#define STEP_MS 20

void sc_wggo_socket_path(const char *ifname, char *out, size_t len)
{
	snprintf(out, len, "%s/%s.sock", SC_WG_UAPI_DIR, ifname);
}

void sc_wggo_pid_path(const char *runtime_dir, const char *ifname, char *out, size_t len)
{
	snprintf(out, len, "%s/%s.wg-go.pid", runtime_dir, ifname);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int read_small_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t got = read(fd, buf, len - 1);
	int rc = got < 0 ? -errno : (int)got;
	close(fd);
	if (got >= 0)
		buf[got] = '\0';
	return rc;
}

// Alive means running: a zombie nobody reaped (init in a container may not) is dead.
static bool process_alive(pid_t pid)
{
	char path[64], stat[256];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_small_file(path, stat, sizeof(stat)) <= 0)
		return false;
	const char *paren = strrchr(stat, ')');
	return paren && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
}

// A PID file may outlive its process, and the PID be reused by something else entirely.
static bool is_our_wireguard_go(pid_t pid, const char *ifname)
{
	char path[64], comm[64], cmdline[512];
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (read_small_file(path, comm, sizeof(comm)) > 0 && strcmp(comm, "wireguard-go\n") == 0)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	int n = read_small_file(path, cmdline, sizeof(cmdline));
	if (n <= 1)
		return false;
	// Arguments are NUL-separated; the last one is the interface name.
	size_t end = (size_t)n - 1;
	while (end > 0 && cmdline[end - 1] != '\0')
		end--;
	return strcmp(cmdline + end, ifname) == 0;
}

static bool wait_gone(pid_t pid, long ms)
{
	for (long waited = 0; waited < ms; waited += STEP_MS) {
		if (!process_alive(pid))
			return true;
		sleep_ms(STEP_MS);
	}
	return !process_alive(pid);
}

bool sc_wggo_recover(const char *runtime_dir, const char *ifname)
{
	char pid_path[SC_PATH_MAX + 64], sock[128], text[32];
	bool cleaned = false;
	sc_wggo_pid_path(runtime_dir, ifname, pid_path, sizeof(pid_path));
	uint32_t pid = 0;
	if (read_small_file(pid_path, text, sizeof(text)) > 0) {
		text[strcspn(text, "\n")] = '\0';
		if (sc_parse_u32(text, 2, INT32_MAX, &pid) != 0)
			pid = 0;
		if (pid && process_alive((pid_t)pid) && is_our_wireguard_go((pid_t)pid, ifname)) {
			sc_warn("stopping wireguard-go (PID %u) left for %s by an earlier run", pid, ifname);
			kill((pid_t)pid, SIGTERM);
			if (!wait_gone((pid_t)pid, STOP_WAIT_MS)) {
				kill((pid_t)pid, SIGKILL);
				wait_gone((pid_t)pid, STOP_WAIT_MS);
			}
		}
		unlink(pid_path);
		cleaned = true;
	}
	sc_wggo_socket_path(ifname, sock, sizeof(sock));
	if (unlink(sock) == 0) {
		sc_warn("removed leftover WireGuard socket %s", sock);
		cleaned = true;
	}
	return cleaned;
}

static int write_pid_file(const char *path, pid_t pid)
{
	char tmp[SC_PATH_MAX + 80], text[32];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int n = snprintf(text, sizeof(text), "%d\n", (int)pid);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	int rc = write(fd, text, (size_t)n) == n ? 0 : -EIO;
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc != 0)
		unlink(tmp);
	return rc;
}

int sc_wggo_start(const char *wireguard_go, const char *runtime_dir, const char *ifname,
		  pid_t *pid_out)
{
	char pid_path[SC_PATH_MAX + 64], sock[128], why[96];
	const char *argv[] = { wireguard_go, "-f", ifname, NULL };
	// Foreground: the daemon is its parent, sees it exit, and systemd keeps both in one unit.
	const char *envp[] = { sc_spawn_base_env[0], sc_spawn_base_env[1],
			       "WG_PROCESS_FOREGROUND=1", NULL };
	pid_t pid = -1;
	int status = 0;
	int rc = mkdir(runtime_dir, 0755);
	if (rc != 0 && errno != EEXIST) {
		rc = -errno;
		sc_err("cannot create runtime directory %s: %s; pass --runtime-dir with a "
		       "writable folder", runtime_dir, strerror(-rc));
		return rc;
	}
	rc = sc_spawn_background(argv, envp, &pid);
	if (rc == -ENOENT) {
		sc_err("%s not found: apt-get install wireguard-go (or use backend: kernel where "
		       "the WireGuard module exists)", wireguard_go);
		return rc;
	}
	if (rc != 0) {
		sc_err("cannot start %s: %s", wireguard_go, strerror(-rc));
		return rc;
	}
	sc_wggo_pid_path(runtime_dir, ifname, pid_path, sizeof(pid_path));
	rc = write_pid_file(pid_path, pid);
	if (rc != 0) {
		sc_err("cannot write %s: %s; check that the runtime directory is writable",
		       pid_path, strerror(-rc));
		goto fail;
	}
	sc_wggo_socket_path(ifname, sock, sizeof(sock));
	for (long waited = 0;; waited += STEP_MS) {
		struct stat st;
		if (stat(sock, &st) == 0 && S_ISSOCK(st.st_mode))
			break;
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid) {
			pid = -1;
			sc_err("wireguard-go exited (%s) before creating %s: check that /dev/net/tun "
			       "exists (modprobe tun) and that the daemon has CAP_NET_ADMIN; its own "
			       "message is above", sc_spawn_describe_status(status, why, sizeof(why)),
			       ifname);
			rc = -ECHILD;
			goto fail;
		}
		if (waited >= SOCKET_WAIT_MS) {
			sc_err("wireguard-go did not create %s within %d ms: the machine may be "
			       "overloaded; look for its messages above", sock, SOCKET_WAIT_MS);
			rc = -ETIMEDOUT;
			goto fail;
		}
		sleep_ms(STEP_MS);
	}
	sc_info("wireguard-go started for %s (PID %d)", ifname, (int)pid);
	*pid_out = pid;
	return 0;
fail:
	sc_wggo_stop(pid, pid < 0, runtime_dir, ifname);
	return rc;
}

void sc_wggo_stop(pid_t pid, bool already_reaped, const char *runtime_dir, const char *ifname)
{
	char pid_path[SC_PATH_MAX + 64], sock[128];
	if (pid > 0 && !already_reaped) {
		int status;
		kill(pid, SIGTERM);
		bool reaped = false;
		for (long waited = 0; waited < STOP_WAIT_MS && !reaped; waited += STEP_MS) {
			pid_t r = waitpid(pid, &status, WNOHANG);
			// ECHILD: someone else (the core's SIGCHLD handler) reaped it first.
			reaped = r == pid || (r < 0 && errno == ECHILD);
			if (!reaped)
				sleep_ms(STEP_MS);
		}
		if (!reaped) {
			sc_warn("wireguard-go (PID %d) ignored SIGTERM for %d ms; killing it", (int)pid,
				STOP_WAIT_MS);
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
		}
	}
	sc_wggo_pid_path(runtime_dir, ifname, pid_path, sizeof(pid_path));
	unlink(pid_path);
	sc_wggo_socket_path(ifname, sock, sizeof(sock));
	unlink(sock); // wireguard-go removes it on SIGTERM, not when killed
}
