# SPDX-License-Identifier: GPL-3.0-or-later
# Cross build for arm64 (the Raspberry Pi image) with Debian's gcc-aarch64-linux-gnu against
# an unpacked arm64 Debian sysroot. Installing the arm64 -dev packages beside the native ones
# is not possible (libwolfssl-dev and libsrtp2-dev are not multi-arch), hence the sysroot.
# scripts/cross-test creates the sysroot and configures with this file:
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
#         -DSEALCALL_ARM64_SYSROOT=/var/cache/sealcall-sysroot-arm64
# Tests run under qemu-user (package qemu-user-static), so `ctest -L unit` works unchanged.

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

if(NOT SEALCALL_ARM64_SYSROOT)
  if(DEFINED ENV{SEALCALL_ARM64_SYSROOT})
    set(SEALCALL_ARM64_SYSROOT "$ENV{SEALCALL_ARM64_SYSROOT}")
  else()
    set(SEALCALL_ARM64_SYSROOT /var/cache/sealcall-sysroot-arm64)
  endif()
endif()
set(SEALCALL_ARM64_SYSROOT "${SEALCALL_ARM64_SYSROOT}" CACHE PATH "Unpacked arm64 Debian sysroot")
# try_compile projects re-read this file without the cache: hand the path on to them.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES SEALCALL_ARM64_SYSROOT)

if(NOT EXISTS "${SEALCALL_ARM64_SYSROOT}/usr/include/aarch64-linux-gnu")
  message(FATAL_ERROR "No arm64 sysroot at ${SEALCALL_ARM64_SYSROOT}: run scripts/cross-test "
                      "(it creates one with mmdebstrap), or pass -DSEALCALL_ARM64_SYSROOT=DIR.")
endif()

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_SYSROOT "${SEALCALL_ARM64_SYSROOT}")
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# Headers and libraries from the sysroot only; build tools from the host.
set(CMAKE_FIND_ROOT_PATH "${SEALCALL_ARM64_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config must never fall back to the host's .pc files: they name amd64 libraries.
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${SEALCALL_ARM64_SYSROOT}")
set(ENV{PKG_CONFIG_LIBDIR}
    "${SEALCALL_ARM64_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:${SEALCALL_ARM64_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# -L points qemu's dynamic loader at the sysroot's ld.so and libraries.
find_program(SEALCALL_QEMU_AARCH64 qemu-aarch64-static)
if(SEALCALL_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${SEALCALL_QEMU_AARCH64};-L;${SEALCALL_ARM64_SYSROOT}")
endif()

# The .deb's Architecture field, and where dpkg-shlibdeps finds the arm64 libraries and the
# packages that ship them (packaging/packaging.cmake reads these).
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE arm64)
set(SEALCALL_SHLIBDEPS_ADMINDIR "${SEALCALL_ARM64_SYSROOT}/var/lib/dpkg")
