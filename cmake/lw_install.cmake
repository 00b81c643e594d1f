# lw_install: what `cmake --install` puts beside the command and the library, and the .deb
# (`cpack -G DEB` in the build folder). Included by CMakeLists.txt after the targets.
#   bin/lawwatch, lib/liblawwatch.so*, include/, lib/pkgconfig/   (CMakeLists.txt)
#   share/lawwatch/rules/                      the rules, the default when installed
#   share/man/man1/lawwatch.1, lawwatch-VERB.1 made from the command's --help (below)
#   share/bash-completion/completions/lawwatch made from the same help
#   libexec/lawwatch/lawwatch-nightly          the nightly run (dist/lawwatch-nightly.in)
#   lib/systemd/system/lawwatch-nightly.service, .timer, lawwatch-failure@.service,
#   lawwatch-serve.service
#   share/doc/lawwatch/lawwatch.conf.example   the configuration, commented
#   /etc/lawwatch/lawwatch.conf                the same file, in the .deb only (a conffile;
#                                              SYSCONFDIR, /etc for the prefix /usr)

# --- man pages and bash completion: from `lawwatch --help` and each verb's --help, run at
# build time (cmake/lw_manpages.py), plus the prose of man/lawwatch.txt. The verbs are those
# the help lists, so a new verb gets its page without a change here: the folder is installed
# whole (the generator removes the page of a verb that is gone).
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(LW_MAN_DIR ${CMAKE_BINARY_DIR}/man)
set(LW_COMPLETION ${LW_MAN_DIR}/lawwatch.bash-completion)
add_custom_command(OUTPUT ${LW_MAN_DIR}/lawwatch.1 ${LW_COMPLETION}
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/cmake/lw_manpages.py $<TARGET_FILE:lawwatch>
          ${CMAKE_SOURCE_DIR}/man/lawwatch.txt ${LW_MAN_DIR} ${PROJECT_VERSION}
  DEPENDS lawwatch ${CMAKE_SOURCE_DIR}/cmake/lw_manpages.py ${CMAKE_SOURCE_DIR}/man/lawwatch.txt
  COMMENT "Man pages and bash completion from lawwatch --help"
  VERBATIM)
add_custom_target(lawwatch_man ALL DEPENDS ${LW_MAN_DIR}/lawwatch.1 ${LW_COMPLETION})
install(DIRECTORY ${LW_MAN_DIR}/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 FILES_MATCHING PATTERN "*.1")
install(FILES ${LW_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME lawwatch)

# --- the nightly run and its systemd units. The script finds the command relative to its own
# place (so does an installed tree moved elsewhere); the units name absolute paths, those of
# the configured prefix. Units go to PREFIX/lib/systemd/system (/usr/lib/... for the .deb,
# /usr/local/lib/... for a /usr/local install: both are on systemd's search path), not
# enabled: `systemctl enable --now lawwatch-nightly.timer` does that.
set(LW_NIGHTLY_DIR ${CMAKE_INSTALL_LIBEXECDIR}/lawwatch)
file(RELATIVE_PATH LW_NIGHTLY_TO_BIN ${CMAKE_INSTALL_FULL_LIBEXECDIR}/lawwatch ${CMAKE_INSTALL_FULL_BINDIR})
set(LW_NIGHTLY ${CMAKE_INSTALL_FULL_LIBEXECDIR}/lawwatch/lawwatch-nightly)
configure_file(${CMAKE_SOURCE_DIR}/dist/lawwatch-nightly.in ${CMAKE_BINARY_DIR}/dist/lawwatch-nightly @ONLY)
configure_file(${CMAKE_SOURCE_DIR}/dist/lawwatch-nightly.service.in
               ${CMAKE_BINARY_DIR}/dist/lawwatch-nightly.service @ONLY)
configure_file(${CMAKE_SOURCE_DIR}/dist/lawwatch-failure@.service.in
               ${CMAKE_BINARY_DIR}/dist/lawwatch-failure@.service @ONLY)
# the web interface's unit runs the installed command itself
set(LW_BIN ${CMAKE_INSTALL_FULL_BINDIR}/lawwatch)
configure_file(${CMAKE_SOURCE_DIR}/dist/lawwatch-serve.service.in
               ${CMAKE_BINARY_DIR}/dist/lawwatch-serve.service @ONLY)
install(PROGRAMS ${CMAKE_BINARY_DIR}/dist/lawwatch-nightly DESTINATION ${LW_NIGHTLY_DIR})
set(LW_UNIT_DIR lib/systemd/system)
install(FILES ${CMAKE_BINARY_DIR}/dist/lawwatch-nightly.service ${CMAKE_SOURCE_DIR}/dist/lawwatch-nightly.timer
              ${CMAKE_BINARY_DIR}/dist/lawwatch-failure@.service ${CMAKE_BINARY_DIR}/dist/lawwatch-serve.service
        DESTINATION ${LW_UNIT_DIR})
install(FILES ${CMAKE_SOURCE_DIR}/dist/lawwatch.conf.example DESTINATION ${CMAKE_INSTALL_DOCDIR})

# --- the .deb: `cpack -G DEB` in a build folder configured with -DCMAKE_INSTALL_PREFIX=/usr
# (the command looks for SYSCONFDIR/lawwatch/lawwatch.conf, /etc for /usr). The package
# installs where the build was configured for, so that what is compiled in is true.
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  # not an error: `cmake --install` into /usr/local or a temporary prefix is fine, and the
  # tests package such a build too; a .deb for servers is built with /usr
  message(STATUS "lawwatch: the .deb of this build installs into ${CMAKE_INSTALL_PREFIX}; "
                 "for a Debian package configure with -DCMAKE_INSTALL_PREFIX=/usr")
endif()
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME lawwatch)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "lawwatch")
set(CPACK_PACKAGE_CONTACT "lawwatch maintainers <lawwatch@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "analyzer of Vietnamese legal documents: facts, checks, deadline report")
set(CPACK_PACKAGE_DESCRIPTION "lawwatch reads Vietnamese legal and administrative documents,
extracts their facts with rules kept as data, stores them in SQLite with a
Vietnamese-aware full-text index, checks citations and plans, and writes the
nightly deadline report. Includes the nightly systemd units (not enabled).")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
# Depends: the runtime libraries of what is packaged, from dpkg-shlibdeps (never a -dev
# package), and the Vietnamese OCR data, which no library links but OCR reads at run time
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${CMAKE_BINARY_DIR})
set(CPACK_DEBIAN_PACKAGE_DEPENDS "tesseract-ocr-vie, adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "sqlite3, default-mta | mail-transport-agent")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "msmtp-mta")
# the conffile and the maintainer scripts (the user lawwatch, /var/lib/lawwatch)
configure_file(${CMAKE_SOURCE_DIR}/dist/deb/postinst.in ${CMAKE_BINARY_DIR}/deb/postinst @ONLY)
# the configuration where the command reads it: /etc/lawwatch for /usr, PREFIX/etc otherwise
set(LW_CONFFILE ${CMAKE_INSTALL_FULL_SYSCONFDIR}/lawwatch/lawwatch.conf)
file(WRITE ${CMAKE_BINARY_DIR}/deb/conffiles "${LW_CONFFILE}\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_BINARY_DIR}/deb/postinst ${CMAKE_BINARY_DIR}/deb/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# /etc/lawwatch/lawwatch.conf goes into the package only (a `cmake --install` never writes
# over an administrator's configuration): CPack runs this script on its staging tree
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_BINARY_DIR}/deb/conffile.cmake)
# (configure_file, not file(INSTALL): CPack sets DESTDIR, which file(INSTALL) would add again)
file(WRITE ${CMAKE_BINARY_DIR}/deb/conffile.cmake
  "configure_file(\"${CMAKE_SOURCE_DIR}/dist/lawwatch.conf.example\"\n"
  "               \"\${CPACK_TEMPORARY_INSTALL_DIRECTORY}${LW_CONFFILE}\" COPYONLY)\n")
include(CPack)
