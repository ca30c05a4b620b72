// SPDX-License-Identifier: GPL-3.0-or-later
// Which card is the headset, and which input devices are its buttons, decided over fake
// machines: lists of cards, and a sysfs tree built in a temporary folder.
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio/device_find.h"
#include "check.h"

static void test_auto_picks_first_usb_card(void)
{
	struct sc_audio_card cards[] = {
		{ .index = 0, .id = "PCH", .driver = "HDA-Intel" },
		{ .index = 2, .id = "Headset", .driver = "USB-Audio", .has_usbid = true },
		{ .index = 1, .id = "Device", .driver = "USB-Audio", .has_usbid = true },
	};
	struct sc_audio_choice c;
	char why[SC_AUDIO_WHY_MAX];
	CHECK_EQ_INT(sc_audio_choose_device(cards, 3, "auto", false, &c, why, sizeof(why)), 0);
	CHECK(c.is_card);
	CHECK_EQ_INT(c.card_index, 1);
	CHECK(strcmp(c.pcm, "hw:CARD=Device,DEV=0") == 0);
	CHECK(strcmp(c.card_id, "Device") == 0);
	// "" means auto as well
	CHECK_EQ_INT(sc_audio_choose_device(cards, 3, "", false, &c, why, sizeof(why)), 0);
	CHECK_EQ_INT(c.card_index, 1);

	// A card with a usbid file is USB whatever its driver says (e.g. a vendor driver), and
	// a USB-Audio driver is enough without the file (a /proc without usbid).
	struct sc_audio_card odd[] = {
		{ .index = 0, .id = "Loopback", .driver = "Loopback" },
		{ .index = 3, .id = "Jabra", .driver = "snd-vendor", .has_usbid = true },
	};
	CHECK_EQ_INT(sc_audio_choose_device(odd, 2, "auto", false, &c, why, sizeof(why)), 0);
	CHECK(strcmp(c.pcm, "hw:CARD=Jabra,DEV=0") == 0);
	struct sc_audio_card drv[] = { { .index = 5, .id = "H340", .driver = "USB-Audio" } };
	CHECK_EQ_INT(sc_audio_choose_device(drv, 1, "auto", false, &c, why, sizeof(why)), 0);
	CHECK(strcmp(c.pcm, "hw:CARD=H340,DEV=0") == 0);
}

static void test_auto_without_usb_card(void)
{
	struct sc_audio_card cards[] = {
		{ .index = 0, .id = "vc4hdmi0", .driver = "vc4-hdmi" },
		{ .index = 1, .id = "Loopback", .driver = "Loopback" },
	};
	struct sc_audio_choice c;
	char why[SC_AUDIO_WHY_MAX];
	// even when a PCM called "auto" exists, auto means the USB search
	CHECK_EQ_INT(sc_audio_choose_device(cards, 2, "auto", true, &c, why, sizeof(why)), -ENODEV);
	CHECK_STR_CONTAINS(why, "no USB audio card found");
	CHECK_STR_CONTAINS(why, "0 vc4hdmi0 (vc4-hdmi), 1 Loopback (Loopback)");
	CHECK_STR_CONTAINS(why, "plug in the USB headset");
	CHECK(c.pcm[0] == 0);
	CHECK_EQ_INT(sc_audio_choose_device(NULL, 0, "auto", false, &c, why, sizeof(why)), -ENODEV);
	CHECK_STR_CONTAINS(why, "cards present: none");
}

static void test_named_card_or_pcm(void)
{
	struct sc_audio_card cards[] = {
		{ .index = 0, .id = "PCH", .driver = "HDA-Intel" },
		{ .index = 2, .id = "Headset", .driver = "USB-Audio", .has_usbid = true },
		{ .index = 3, .id = "headset", .driver = "USB-Audio", .has_usbid = true },
	};
	struct sc_audio_choice c;
	char why[SC_AUDIO_WHY_MAX];
	// The policy may name a card that is not USB; it is opened by its id, never its number.
	CHECK_EQ_INT(sc_audio_choose_device(cards, 3, "PCH", false, &c, why, sizeof(why)), 0);
	CHECK(strcmp(c.pcm, "hw:CARD=PCH,DEV=0") == 0);
	CHECK_EQ_INT(c.card_index, 0);
	// exact id first, then ignoring case
	CHECK_EQ_INT(sc_audio_choose_device(cards, 3, "headset", false, &c, why, sizeof(why)), 0);
	CHECK_EQ_INT(c.card_index, 3);
	CHECK_EQ_INT(sc_audio_choose_device(cards, 3, "HEADSET", false, &c, why, sizeof(why)), 0);
	CHECK_EQ_INT(c.card_index, 2);
	CHECK(strcmp(c.pcm, "hw:CARD=Headset,DEV=0") == 0);
	// a PCM defined in the ALSA configuration (the virtual headset) is opened as it is
	CHECK_EQ_INT(sc_audio_choose_device(cards, 3, "vheadset", true, &c, why, sizeof(why)), 0);
	CHECK(!c.is_card);
	CHECK_EQ_INT(c.card_index, -1);
	CHECK(strcmp(c.pcm, "vheadset") == 0);
	// a card of that name wins over a PCM of that name
	CHECK_EQ_INT(sc_audio_choose_device(cards, 3, "Headset", true, &c, why, sizeof(why)), 0);
	CHECK(c.is_card);
	// neither
	CHECK_EQ_INT(sc_audio_choose_device(cards, 3, "Jabra", false, &c, why, sizeof(why)), -ENODEV);
	CHECK_STR_CONTAINS(why, "\"Jabra\" is neither an ALSA card nor a PCM");
	CHECK_STR_CONTAINS(why, "2 Headset (USB-Audio)");
	CHECK_STR_CONTAINS(why, "set audio.device to auto");
}

// ---- a fake sysfs ----

static char root[64];

static void mkdirs(const char *rel)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			mkdir(path, 0755);
			*p = '/';
		}
	mkdir(path, 0755);
}

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void link_to(const char *target, const char *rel)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	CHECK_EQ_INT(symlink(target, path), 0);
}

// An input device with event node EVENT under the USB interface folder IFACE.
static void input(const char *iface, const char *hid, int input_no, int event_no, const char *keys)
{
	char rel[PATH_MAX];
	snprintf(rel, sizeof(rel), "%s/%s/input/input%d/event%d", iface, hid, input_no, event_no);
	mkdirs(rel);
	snprintf(rel, sizeof(rel), "%s/%s/input/input%d/capabilities", iface, hid, input_no);
	mkdirs(rel);
	snprintf(rel, sizeof(rel), "%s/%s/input/input%d/capabilities/key", iface, hid, input_no);
	put(rel, keys);
}

#define USB1 "devices/pci0000:00/0000:00:14.0/usb1/1-1"
#define USB2 "devices/pci0000:00/0000:00:14.0/usb1/1-2"
#define PCI "devices/pci0000:00/0000:00:1f.3"

static void build_sysfs(void)
{
	mkdirs("class/sound");
	// Card 1: a USB headset, audio on interface 1.0, buttons on the HID interface 1.3 as two
	// input devices with keys (telephony and consumer controls) and one without.
	mkdirs(USB1 "/1-1:1.0/sound/card1");
	put(USB1 "/idVendor", "046d\n");
	link_to("../../../1-1:1.0", USB1 "/1-1:1.0/sound/card1/device");
	link_to("../../" USB1 "/1-1:1.0/sound/card1", "class/sound/card1");
	input(USB1 "/1-1:1.3", "0003:046D:0A8F.0001", 5, 7, "1000000 0 0 0 0 0 0 0\n");
	input(USB1 "/1-1:1.3", "0003:046D:0A8F.0002", 6, 3, "e0b0ffdf01cfffff fffffffffffffffe\n");
	input(USB1 "/1-1:1.3", "0003:046D:0A8F.0003", 8, 2, "0\n");
	// sysfs links out of the device must not be followed: this one leads to another input.
	mkdirs("bus/usb/input/input9/event9/x");
	mkdirs("bus/usb/input/input9/capabilities");
	put("bus/usb/input/input9/capabilities/key", "ffff\n");
	link_to("../../../../../bus/usb", USB1 "/subsystem");

	// Card 3: another USB headset with its own button (event 1): not card 1's.
	mkdirs(USB2 "/1-2:1.0/sound/card3");
	put(USB2 "/idVendor", "0b0e\n");
	link_to("../../../1-2:1.0", USB2 "/1-2:1.0/sound/card3/device");
	link_to("../../" USB2 "/1-2:1.0/sound/card3", "class/sound/card3");
	input(USB2 "/1-2:1.3", "0003:0B0E:0348.0004", 1, 1, "1 0\n");

	// Card 4: a USB speaker without buttons.
	mkdirs(USB2 ".5/1-2.5:1.0/sound/card4");
	put(USB2 ".5/idVendor", "1234\n");
	link_to("../../../1-2.5:1.0", USB2 ".5/1-2.5:1.0/sound/card4/device");
	link_to("../../" USB2 ".5/1-2.5:1.0/sound/card4", "class/sound/card4");

	// Card 0: onboard audio on PCI.
	mkdirs(PCI "/sound/card0");
	link_to("../../../0000:00:1f.3", PCI "/sound/card0/device");
	link_to("../../" PCI "/sound/card0", "class/sound/card0");
}

static void test_inputs_of_the_headset(void)
{
	char paths[4][SC_AUDIO_INPUT_PATH_MAX], why[SC_AUDIO_WHY_MAX];
	int n = sc_audio_find_inputs(root, 1, paths, 4, why, sizeof(why));
	CHECK_EQ_INT(n, 2);
	if (n == 2) {
		CHECK(strcmp(paths[0], "/dev/input/event3") == 0);
		CHECK(strcmp(paths[1], "/dev/input/event7") == 0);
	}
	// room for one: the lowest
	CHECK_EQ_INT(sc_audio_find_inputs(root, 1, paths, 1, why, sizeof(why)), 1);
	CHECK(strcmp(paths[0], "/dev/input/event3") == 0);

	n = sc_audio_find_inputs(root, 3, paths, 4, why, sizeof(why));
	CHECK_EQ_INT(n, 1);
	CHECK(n == 1 && strcmp(paths[0], "/dev/input/event1") == 0);

	CHECK_EQ_INT(sc_audio_find_inputs(root, 4, paths, 4, why, sizeof(why)), 0);
	CHECK_STR_CONTAINS(why, "has no input device with keys");
	CHECK_STR_CONTAINS(why, "audio.input_device");

	CHECK_EQ_INT(sc_audio_find_inputs(root, 0, paths, 4, why, sizeof(why)), 0);
	CHECK_STR_CONTAINS(why, "is not a USB device");

	CHECK_EQ_INT(sc_audio_find_inputs(root, 2, paths, 4, why, sizeof(why)), -ENOENT);
	CHECK_STR_CONTAINS(why, "sound card 2 is not in");
	CHECK_EQ_INT(sc_audio_find_inputs(root, -1, paths, 4, why, sizeof(why)), -ENOENT);
}

int main(void)
{
	test_auto_picks_first_usb_card();
	test_auto_without_usb_card();
	test_named_card_or_pcm();

	snprintf(root, sizeof(root), "/tmp/sc-sysfs-XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	build_sysfs();
	test_inputs_of_the_headset();
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK_EQ_INT(system(cmd), 0);
	return check_done();
}
