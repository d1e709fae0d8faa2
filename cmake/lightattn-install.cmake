# Installation: cmake --install <build> [--prefix DIR] puts
#   include/lightattn.h                          the API
#   include/lightattn/lta_kernel.h, lta_key.h    the kernel ABI, for kernels generated outside
#   lib/liblightattn.so.X.Y.Z (soname .so.X), liblightattn.a
#   bin/lta-gen, share/lightattn/templates/      the generator and the templates it renders
#   lib/cmake/lightattn/                         find_package(lightattn), lightattn_add_kernels()
#   lib/pkgconfig/lightattn.pc                   pkg-config --cflags --libs lightattn
# Included last from CMakeLists.txt; the extra-kernel function is also used by the tests.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
set(LTA_INSTALL_TEMPLATESDIR "${CMAKE_INSTALL_DATADIR}/lightattn/templates")
set(LTA_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/lightattn")

foreach(lib lightattn lightattn_static)
  target_include_directories(${lib} INTERFACE "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>")
endforeach()
install(TARGETS lightattn lightattn_static lta-gen EXPORT lightattnTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES runtime/lightattn.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES runtime/lta_kernel.h runtime/lta_key.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/lightattn)
install(DIRECTORY templates/ DESTINATION ${LTA_INSTALL_TEMPLATESDIR})
install(EXPORT lightattnTargets NAMESPACE lightattn:: DESTINATION ${LTA_INSTALL_CMAKEDIR})

# The CPU targets (extra kernels are CPU kernels) and the flags each one's kernels were compiled
# with, for lightattn_add_kernels().
set(LTA_CPU_TARGETS ${LTA_TARGETS})
if(LTA_CUDA_TARGET_LIST)
  list(REMOVE_ITEM LTA_CPU_TARGETS ${LTA_CUDA_TARGET_LIST})
endif()
set(LTA_CONFIG_FLAGS "")
foreach(target IN LISTS LTA_CPU_TARGETS)
  string(APPEND LTA_CONFIG_FLAGS "set(LIGHTATTN_FLAGS_${target} \"${LTA_FLAGS_${target}}\")\n")
endforeach()
# A CUDA build links the CUDA runtime statically: users of the static library need it too.
set(LTA_CONFIG_CUDA "")
set(LTA_PC_CUDA "")
# Its CUDA objects are C++ (static guards, exceptions' personality): a C program that links the
# static library without enabling CUDA links the C++ runtime through this.
if(LTA_HAVE_CUDA)
  set(LTA_CONFIG_CUDA "find_dependency(CUDAToolkit)")
  set(LTA_PC_CUDA "-L${CUDAToolkit_LIBRARY_DIR} -lcudart_static -lrt -lstdc++")
  target_link_libraries(lightattn_static INTERFACE stdc++)
endif()
if(LTA_HAVE_NCCL) # the sequence-parallel exchange (lta_sp_*_nccl)
  get_filename_component(nccl_dir "${NCCL_LIBRARY}" DIRECTORY)
  string(APPEND LTA_PC_CUDA " -L${nccl_dir} -lnccl")
endif()
configure_package_config_file(cmake/lightattnConfig.cmake.in
  "${PROJECT_BINARY_DIR}/lightattnConfig.cmake" INSTALL_DESTINATION ${LTA_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR LTA_INSTALL_TEMPLATESDIR)
write_basic_package_version_file("${PROJECT_BINARY_DIR}/lightattnConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_BINARY_DIR}/lightattnConfig.cmake"
              "${PROJECT_BINARY_DIR}/lightattnConfigVersion.cmake"
              cmake/lightattn-kernels.cmake
        DESTINATION ${LTA_INSTALL_CMAKEDIR})

set(LTA_PC_DL "")
if(CMAKE_DL_LIBS)
  set(LTA_PC_DL "-l${CMAKE_DL_LIBS}")
endif()
# Relocatable: the prefix is found from the .pc file's own folder, so --prefix at install works.
file(RELATIVE_PATH LTA_PC_UP "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
configure_file(cmake/lightattn.pc.in "${PROJECT_BINARY_DIR}/lightattn.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/lightattn.pc" DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The same function in this build tree, for the tests: the built lta-gen, the source templates.
set(LIGHTATTN_GEN lta-gen)
set(LIGHTATTN_TEMPLATES_DIR "${PROJECT_SOURCE_DIR}/templates")
set(LIGHTATTN_KERNEL_INCLUDE_DIR "${PROJECT_SOURCE_DIR}/runtime")
set(LIGHTATTN_TARGETS ${LTA_CPU_TARGETS})
foreach(target IN LISTS LTA_CPU_TARGETS)
  set(LIGHTATTN_FLAGS_${target} ${LTA_FLAGS_${target}})
endforeach()
include(cmake/lightattn-kernels.cmake)

add_library(lightattn::lightattn ALIAS lightattn)
add_library(lightattn::lightattn_static ALIAS lightattn_static)

# Test: kernels of a head dim the library lacks, generated and registered as a user would.
if(LTA_BUILD_TESTS)
  lightattn_add_kernels(lta_test_extra SPEC examples/extra/kernels_k96.lua
                        LIBRARY lightattn_static)
  add_executable(test_register tests/test_register.c)
  target_include_directories(test_register PRIVATE runtime)
  string(REPLACE ";" "," cpu_targets_csv "${LTA_CPU_TARGETS}")
  target_compile_definitions(test_register PRIVATE LTA_TEST_EXTRA_TARGETS="${cpu_targets_csv}")
  set(libs ${CHECK_LIBRARY} m Threads::Threads) # found (cached) by tests/CMakeLists.txt
  foreach(lib SUBUNIT_LIBRARY RT_LIBRARY)
    if(${lib})
      list(APPEND libs ${${lib}})
    endif()
  endforeach()
  target_link_libraries(test_register PRIVATE lta_test_extra lta_testref ${libs})
  add_test(NAME register COMMAND test_register)
  set_tests_properties(register PROPERTIES LABELS "api")
endif()
