# shouwei_write_deb_changelog(TEMPLATE OUT_DIR VERSION): writes OUT_DIR/changelog.Debian.gz,
# the Debian changelog for VERSION (changelog.Debian: the name lintian expects for a
# version with a Debian revision), compressed as Debian policy asks (gzip -9n: no name, no
# time stamp, so the package is reproducible). Used at configure time and again by
# cpack-project.cmake when the release is bumped.
function(shouwei_write_deb_changelog template out_dir version)
  set(SHOUWEI_DEB_VERSION ${version})
  configure_file(${template} ${out_dir}/changelog.Debian @ONLY)
  execute_process(COMMAND gzip -9nf ${out_dir}/changelog.Debian RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "gzip -9nf ${out_dir}/changelog.Debian failed (${_rc})")
  endif()
endfunction()
