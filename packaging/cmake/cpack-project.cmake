# CPACK_PROJECT_CONFIG_FILE: read by cpack for each generator, after CPackConfig.cmake.
# - SHOUWEI_PACKAGE_RELEASE (environment) sets the package release, default 1.
# - The RPM generator packages the agent only.
if(DEFINED ENV{SHOUWEI_PACKAGE_RELEASE} AND NOT "$ENV{SHOUWEI_PACKAGE_RELEASE}" STREQUAL "")
  set(_release "$ENV{SHOUWEI_PACKAGE_RELEASE}")
else()
  set(_release 1)
endif()
set(CPACK_DEBIAN_PACKAGE_RELEASE ${_release})
set(CPACK_RPM_PACKAGE_RELEASE ${_release})

if(CPACK_GENERATOR STREQUAL "DEB")
  include(${CMAKE_CURRENT_LIST_DIR}/changelog.cmake)
  shouwei_write_deb_changelog(${CPACK_SHOUWEI_LINUX_DIR}/changelog ${CPACK_SHOUWEI_DOC_DIR}
                              "${CPACK_PACKAGE_VERSION}-${_release}")
elseif(CPACK_GENERATOR STREQUAL "RPM")
  set(CPACK_COMPONENTS_ALL agent)
endif()
