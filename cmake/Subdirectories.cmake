# shouwei_add_subdirectories(): adds every direct subdirectory that has a CMakeLists.txt, so a
# new fact family, port or test area is picked up without editing its parent.
function(shouwei_add_subdirectories)
  file(GLOB _children LIST_DIRECTORIES true CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*)
  foreach(_dir IN LISTS _children)
    if(IS_DIRECTORY ${_dir} AND EXISTS ${_dir}/CMakeLists.txt)
      add_subdirectory(${_dir})
    endif()
  endforeach()
endfunction()
