# SPDX-License-Identifier: GPL-3.0-or-later
# Install rules and the Debian package (CPack DEB), for amd64 natively and arm64 through the
# cross build (cmake/aarch64-linux-gnu.cmake). packaging/build-deb builds and checks both;
# docs/packaging.md explains the choices. Included by the root CMakeLists.txt after every
# layer, so the programs' targets exist when they have landed.
include(GNUInstallDirs)

set(SC_PKG_DIR ${CMAKE_SOURCE_DIR}/packaging)
set(SC_PKG_BUILD ${CMAKE_BINARY_DIR}/packaging)
# Debian 12's systemd reads units from /lib/systemd/system (the /usr move came later), and
# tmpfiles.d/sysusers.d from /usr/lib whatever the install prefix.
set(SEALCALL_SYSTEMD_UNIT_DIR /lib/systemd/system CACHE PATH "Where the systemd unit is installed")
set(SEALCALL_TMPFILES_DIR /usr/lib/tmpfiles.d CACHE PATH "Where the tmpfiles.d file is installed")
set(SEALCALL_SYSUSERS_DIR /usr/lib/sysusers.d CACHE PATH "Where the sysusers.d file is installed")
set(SEALCALL_DEB_MAINTAINER "sealcall developers <dev@sealcall.invalid>" CACHE STRING
    "Maintainer field of the .deb")

# The daemon and the command line tool. Full RELRO (relro + bindnow) makes the GOT read-only
# after start, as Debian's hardening flags do; when CPack strips, the .comment and .note
# sections go too, as dh_strip does.
set(sc_programs)
if(TARGET sealcalld)
  install(TARGETS sealcalld RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
  list(APPEND sc_programs ${CMAKE_INSTALL_SBINDIR}/sealcalld)
endif()
if(TARGET sealcall)
  install(TARGETS sealcall RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  list(APPEND sc_programs ${CMAKE_INSTALL_BINDIR}/sealcall)
endif()
foreach(program IN LISTS sc_programs)
  get_filename_component(target ${program} NAME)
  target_link_options(${target} PRIVATE -Wl,-z,relro -Wl,-z,now)
  install(CODE "
    if(CMAKE_INSTALL_DO_STRIP)
      execute_process(COMMAND \"${CMAKE_STRIP}\" --remove-section=.comment --remove-section=.note
                      \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${program}\" COMMAND_ERROR_IS_FATAL ANY)
    endif()")
endforeach()

# systemd integration: the sandboxed unit, the runtime and state directories, the user.
install(FILES ${SC_PKG_DIR}/sealcall.service DESTINATION ${SEALCALL_SYSTEMD_UNIT_DIR})
install(FILES ${SC_PKG_DIR}/sealcall.tmpfiles DESTINATION ${SEALCALL_TMPFILES_DIR}
        RENAME sealcall.conf)
install(FILES ${SC_PKG_DIR}/sealcall.sysusers DESTINATION ${SEALCALL_SYSUSERS_DIR}
        RENAME sealcall.conf)

# The policy is not installed into /etc: it is different on every site (its own keys, name
# and peers), comes from the site bundle on the boot partition, and a packaged default would
# be a conffile that dpkg asks about on upgrade, on an appliance without a screen. The example
# is documentation.
if(EXISTS ${CMAKE_SOURCE_DIR}/config/sealcall.yaml)
  install(FILES ${CMAKE_SOURCE_DIR}/config/sealcall.yaml DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
endif()

# Manual pages and the changelog, compressed as Debian requires (-n: no timestamp, so the
# package is reproducible).
set(sc_compressed)
foreach(page sealcall.1 sealcall.yaml.5 sealcalld.8)
  string(REGEX MATCH "[0-9]$" section ${page})
  add_custom_command(OUTPUT ${SC_PKG_BUILD}/${page}.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${SC_PKG_BUILD}
    COMMAND gzip -9nc ${SC_PKG_DIR}/man/${page} > ${SC_PKG_BUILD}/${page}.gz
    DEPENDS ${SC_PKG_DIR}/man/${page} VERBATIM)
  list(APPEND sc_compressed ${SC_PKG_BUILD}/${page}.gz)
  install(FILES ${SC_PKG_BUILD}/${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
add_custom_command(OUTPUT ${SC_PKG_BUILD}/changelog.gz
  COMMAND ${CMAKE_COMMAND} -E make_directory ${SC_PKG_BUILD}
  COMMAND gzip -9nc ${SC_PKG_DIR}/debian/changelog > ${SC_PKG_BUILD}/changelog.gz
  DEPENDS ${SC_PKG_DIR}/debian/changelog VERBATIM)
list(APPEND sc_compressed ${SC_PKG_BUILD}/changelog.gz)
add_custom_target(sealcall_packaging_files ALL DEPENDS ${sc_compressed})
install(FILES ${SC_PKG_BUILD}/changelog.gz ${SC_PKG_DIR}/debian/copyright
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# A package whose changelog names another version would be rejected by lintian and confuse
# the operator: keep them in step.
file(STRINGS ${SC_PKG_DIR}/debian/changelog sc_changelog_head LIMIT_COUNT 1)
if(NOT sc_changelog_head MATCHES "^sealcall \\(${PROJECT_VERSION}\\) ")
  message(FATAL_ERROR "packaging/debian/changelog starts with '${sc_changelog_head}', but the "
                      "project version is ${PROJECT_VERSION}: add a changelog entry for it")
endif()

# ---- CPack: the .deb
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sealcall)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "${SEALCALL_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SEALCALL_DEB_MAINTAINER}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "secure calling appliance over WireGuard, SIP/TLS and ZRTP")
# CPack puts the summary on the first line and indents these lines below it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "sealcall turns a small computer with a USB headset into a telephone for branch
offices. Every call goes through a WireGuard tunnel that the appliance brings
up first; inside it, signaling is SIP over TLS and media is SRTP keyed end to
end by ZRTP, whose short authentication string the two people compare aloud.
One YAML policy describes the site, and anything weaker is refused.

This package contains the daemon sealcalld, its sandboxed systemd unit, and
the sealcall command line tool.")
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)

# Library dependencies come from dpkg-shlibdeps (the Debian package of each linked library,
# with the minimal version its symbols file requires). The tunnel needs wg from
# wireguard-tools, and either the WireGuard kernel module, which Debian's kernel packages
# provide as wireguard-modules, or wireguard-go for kernels without it. adduser is only for
# systems without systemd-sysusers.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, wireguard-tools, wireguard-modules | wireguard-go")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${SC_PKG_DIR}/debian/postinst ${SC_PKG_DIR}/debian/prerm ${SC_PKG_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

if(CMAKE_CROSSCOMPILING)
  if(NOT CPACK_DEBIAN_PACKAGE_ARCHITECTURE)
    message(FATAL_ERROR "cross build without CPACK_DEBIAN_PACKAGE_ARCHITECTURE: set it in the toolchain file")
  endif()
  # dpkg-shlibdeps looks for the arm64 libraries in the sysroot, and for the packages that ship
  # them in the sysroot's dpkg database (packaging/sysroot-dpkg-db); a wrapper passes it
  # --admindir, as CPack has no option for that.
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS
      ${CMAKE_SYSROOT}/lib/${CMAKE_LIBRARY_ARCHITECTURE} ${CMAKE_SYSROOT}/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE})
  set(SC_SHLIBDEPS_WRAPPER ${SC_PKG_BUILD}/dpkg-shlibdeps-sysroot)
  file(CONFIGURE OUTPUT ${SC_SHLIBDEPS_WRAPPER} CONTENT
"#!/bin/sh
# Generated by packaging/packaging.cmake: dpkg-shlibdeps against the arm64 sysroot.
DEB_HOST_ARCH=${CPACK_DEBIAN_PACKAGE_ARCHITECTURE} exec dpkg-shlibdeps --admindir=${SEALCALL_SHLIBDEPS_ADMINDIR} \"$@\"
" @ONLY)
  file(CHMOD ${SC_SHLIBDEPS_WRAPPER} PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
       GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  set(CPACK_PROJECT_CONFIG_FILE ${SC_PKG_BUILD}/cpack-cross.cmake)
  file(CONFIGURE OUTPUT ${CPACK_PROJECT_CONFIG_FILE} CONTENT
       "set(SHLIBDEPS_EXECUTABLE \"${SC_SHLIBDEPS_WRAPPER}\")\n")
endif()

include(CPack)
