// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/device_find.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/strutil.h"

bool sc_audio_card_is_usb(const struct sc_audio_card *card)
{
	return card->has_usbid || strcmp(card->driver, "USB-Audio") == 0;
}

static bool wants_auto(const char *wanted)
{
	return !wanted || !wanted[0] || strcmp(wanted, "auto") == 0;
}

// "0 Headset (USB-Audio), 1 vc4hdmi (vc4-hdmi)" or "none".
static void list_cards(const struct sc_audio_card *cards, size_t n, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = 0;
	for (size_t i = 0; i < n && used < len; i++) {
		int k = snprintf(buf + used, len - used, "%s%d %s (%s)", i ? ", " : "", cards[i].index,
				 cards[i].id, cards[i].driver);
		if (k < 0)
			break;
		used += (size_t)k;
	}
	if (!n)
		snprintf(buf, len, "none");
}

static void choose_card(const struct sc_audio_card *card, struct sc_audio_choice *out)
{
	out->is_card = true;
	out->card_index = card->index;
	sc_strcpy(out->card_id, sizeof(out->card_id), card->id);
	snprintf(out->pcm, sizeof(out->pcm), "hw:CARD=%s,DEV=0", card->id);
}

int sc_audio_choose_device(const struct sc_audio_card *cards, size_t n_cards, const char *wanted,
			   bool wanted_is_pcm, struct sc_audio_choice *out, char *why, size_t why_len)
{
	memset(out, 0, sizeof(*out));
	out->card_index = -1;
	if (why_len)
		why[0] = 0;
	char present[256];
	list_cards(cards, n_cards, present, sizeof(present));

	if (wants_auto(wanted)) {
		const struct sc_audio_card *best = NULL;
		for (size_t i = 0; i < n_cards; i++)
			if (sc_audio_card_is_usb(&cards[i]) && (!best || cards[i].index < best->index))
				best = &cards[i];
		if (!best) {
			snprintf(why, why_len,
				 "no USB audio card found (cards present: %s); plug in the USB headset, "
				 "or set audio.device to a card name", present);
			return -ENODEV;
		}
		choose_card(best, out);
		return 0;
	}
	for (size_t i = 0; i < n_cards; i++)
		if (strcmp(cards[i].id, wanted) == 0) {
			choose_card(&cards[i], out);
			return 0;
		}
	for (size_t i = 0; i < n_cards; i++)
		if (strcasecmp(cards[i].id, wanted) == 0) {
			choose_card(&cards[i], out);
			return 0;
		}
	if (wanted_is_pcm && sc_strcpy(out->pcm, sizeof(out->pcm), wanted) == 0)
		return 0;
	out->pcm[0] = 0;
	snprintf(why, why_len,
		 "audio.device \"%s\" is neither an ALSA card nor a PCM in the ALSA configuration "
		 "(cards present: %s); plug the headset in, or set audio.device to auto or to one of "
		 "the cards", wanted, present);
	return -ENODEV;
}

// ---- sysfs: from a sound card to the input devices of the same USB device ----

struct found_inputs {
	char (*paths)[SC_AUDIO_INPUT_PATH_MAX];
	unsigned *numbers;
	size_t max, count;
};

static bool parse_numbered(const char *name, const char *prefix, unsigned *out)
{
	size_t plen = strlen(prefix);
	if (strncmp(name, prefix, plen) != 0 || !name[plen])
		return false;
	char *end;
	errno = 0;
	unsigned long v = strtoul(name + plen, &end, 10);
	if (*end || errno || v > UINT_MAX || name[plen] < '0' || name[plen] > '9')
		return false;
	*out = (unsigned)v;
	return true;
}

// Whether the input device at DIR (an inputM folder) reports any key: capabilities/key is
// a bitmap in hex words, "0" for devices that only report e.g. volume knobs as absolute axes.
static bool input_has_keys(const char *dir)
{
	char path[PATH_MAX], buf[512];
	if (snprintf(path, sizeof(path), "%s/capabilities/key", dir) >= (int)sizeof(path))
		return false;
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	for (char *p = buf; *p; p++)
		if ((*p >= '1' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F'))
			return true;
	return false;
}

static void add_input(struct found_inputs *f, unsigned number)
{
	// Keep the MAX lowest event numbers, in order.
	size_t at = f->count;
	while (at > 0 && f->numbers[at - 1] > number)
		at--;
	if (at > 0 && f->numbers[at - 1] == number)
		return;
	if (at >= f->max)
		return;
	size_t last = f->count < f->max ? f->count : f->max - 1;
	for (size_t i = last; i > at; i--) {
		f->numbers[i] = f->numbers[i - 1];
		memcpy(f->paths[i], f->paths[i - 1], sizeof(f->paths[i]));
	}
	f->numbers[at] = number;
	snprintf(f->paths[at], sizeof(f->paths[at]), "/dev/input/event%u", number);
	if (f->count < f->max)
		f->count++;
}

static bool is_real_dir(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

// Walks DIR's real subfolders (sysfs links such as "subsystem" and "driver" lead out of the
// device and are not followed) down to DEPTH levels, collecting inputM/eventK.
static void walk(const char *dir, int depth, bool in_input, struct found_inputs *f)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[PATH_MAX];
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path))
			continue;
		if (!is_real_dir(path))
			continue;
		unsigned number;
		if (in_input && parse_numbered(e->d_name, "event", &number)) {
			if (input_has_keys(dir))
				add_input(f, number);
			continue;
		}
		if (depth > 0)
			walk(path, depth - 1, parse_numbered(e->d_name, "input", &number), f);
	}
	closedir(d);
}

int sc_audio_find_inputs(const char *sysfs_root, int card_index,
			 char (*paths)[SC_AUDIO_INPUT_PATH_MAX], size_t max, char *why, size_t why_len)
{
	if (why_len)
		why[0] = 0;
	char link[PATH_MAX], iface[PATH_MAX], usbdev[PATH_MAX], probe[PATH_MAX];
	if (card_index < 0 ||
	    snprintf(link, sizeof(link), "%s/class/sound/card%d/device", sysfs_root, card_index) >=
		    (int)sizeof(link) ||
	    !realpath(link, iface)) {
		snprintf(why, why_len, "sound card %d is not in %s/class/sound (unplugged?)", card_index,
			 sysfs_root);
		return -ENOENT;
	}
	sc_strcpy(usbdev, sizeof(usbdev), iface);
	char *slash = strrchr(usbdev, '/');
	if (slash && slash != usbdev)
		*slash = 0;
	// A USB device has idVendor; anything else (an onboard card's PCI or platform parent)
	// would make the walk wander through unrelated hardware.
	struct stat st;
	if (snprintf(probe, sizeof(probe), "%s/idVendor", usbdev) >= (int)sizeof(probe) ||
	    stat(probe, &st) != 0) {
		snprintf(why, why_len, "sound card %d is not a USB device: no buttons to find; set "
			 "audio.input_device to the evdev node of its buttons", card_index);
		return 0;
	}
	unsigned numbers[64];
	struct found_inputs f = { .paths = paths, .numbers = numbers,
				  .max = max < 64 ? max : 64, .count = 0 };
	if (f.max)
		walk(usbdev, 6, false, &f);
	if (!f.count)
		snprintf(why, why_len, "the USB device of sound card %d (%s) has no input device with "
			 "keys: its buttons cannot be used; set audio.input_device to an evdev node",
			 card_index, usbdev);
	return (int)f.count;
}
