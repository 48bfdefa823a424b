# Kernel modules: each kernel folder (or a part of one that a bake
# configuration must be able to leave out) is a library whose dependencies
# are declared, and the build enforces them.
#
# A module sees only its own headers and those of the modules it declares
# (transitively): every module compiles against an include directory of its
# own, ${KILN_MODULE_INCLUDE}/<module>, holding a link to each header it may
# include, and never against kernel/ itself. An include that goes against the
# layering fails to compile ("core/thread.h: No such file or directory"); a
# call needs a declaration, so it fails too. docs/internals.md has the order.
#
#   kiln_module(NAME [DIRS dir...] [HEADERS file...] [EXCLUDE file...]
#               [DEPS module...] [KERNEL src...] [PORTABLE src...])
#
# DIRS are folders under kernel/ whose headers (not those of subfolders) the
# module owns; HEADERS adds single headers, EXCLUDE drops some. KERNEL sources
# build for the guest only; PORTABLE ones for the guest and into
# kiln_<NAME>_host, the host library unit tests and fuzzers link. All paths
# are relative to kernel/.

# KILN_MODULE_INCLUDE (set at the top, for tests/fuzz too) holds them.

function(kiln_module name)
  cmake_parse_arguments(M "" "" "DIRS;HEADERS;EXCLUDE;DEPS;KERNEL;PORTABLE" ${ARGN})
  set(headers ${M_HEADERS})
  foreach(dir IN LISTS M_DIRS)
    file(GLOB found CONFIGURE_DEPENDS RELATIVE ${KILN_KERNEL_DIR}
         ${KILN_KERNEL_DIR}/${dir}/*.h ${KILN_KERNEL_DIR}/${dir}/*.inc)
    list(APPEND headers ${found})
  endforeach()
  if(M_EXCLUDE)
    list(REMOVE_ITEM headers ${M_EXCLUDE})
  endif()
  set_property(GLOBAL APPEND PROPERTY KILN_MODULES ${name})
  set_property(GLOBAL PROPERTY KILN_MODULE_${name}_HEADERS ${headers})
  set_property(GLOBAL PROPERTY KILN_MODULE_${name}_DEPS ${M_DEPS})
  set_property(GLOBAL PROPERTY KILN_MODULE_${name}_KERNEL ${M_KERNEL})
  set_property(GLOBAL PROPERTY KILN_MODULE_${name}_PORTABLE ${M_PORTABLE})
endfunction()

# The modules `name` may see: itself and its dependencies' closure (arch and
# core see each other, as do proc and file: see docs/internals.md).
function(kiln_module_closure name out)
  set(seen ${name})
  set(todo ${name})
  while(todo)
    list(POP_FRONT todo m)
    get_property(deps GLOBAL PROPERTY KILN_MODULE_${m}_DEPS)
    foreach(d IN LISTS deps)
      if(NOT d IN_LIST seen)
        list(APPEND seen ${d})
        list(APPEND todo ${d})
      endif()
    endforeach()
  endwhile()
  set(${out} ${seen} PARENT_SCOPE)
endfunction()

# Makes every module's include directory and its guest and host libraries.
# Called once, after every kiln_module().
function(kiln_modules_finalize)
  get_property(modules GLOBAL PROPERTY KILN_MODULES)
  foreach(name IN LISTS modules)
    get_property(deps GLOBAL PROPERTY KILN_MODULE_${name}_DEPS)
    foreach(d IN LISTS deps)
      if(NOT d IN_LIST modules)
        message(FATAL_ERROR "kernel module ${name}: unknown dependency ${d}")
      endif()
    endforeach()
    set(inc ${KILN_MODULE_INCLUDE}/${name})
    file(REMOVE_RECURSE ${inc})
    kiln_module_closure(${name} visible)
    foreach(m IN LISTS visible)
      get_property(headers GLOBAL PROPERTY KILN_MODULE_${m}_HEADERS)
      foreach(h IN LISTS headers)
        get_filename_component(dir ${inc}/${h} DIRECTORY)
        file(MAKE_DIRECTORY ${dir})
        if(h MATCHES "^kiln/")
          file(CREATE_LINK ${PROJECT_SOURCE_DIR}/include/${h} ${inc}/${h} SYMBOLIC)
        else()
          file(CREATE_LINK ${KILN_KERNEL_DIR}/${h} ${inc}/${h} SYMBOLIC)
        endif()
      endforeach()
    endforeach()

    get_property(kernel GLOBAL PROPERTY KILN_MODULE_${name}_KERNEL)
    get_property(portable GLOBAL PROPERTY KILN_MODULE_${name}_PORTABLE)
    list(TRANSFORM kernel PREPEND ${KILN_KERNEL_DIR}/)
    list(TRANSFORM portable PREPEND ${KILN_KERNEL_DIR}/)
    if(kernel OR portable)
      add_library(kmod_${name} OBJECT ${kernel} ${portable})
      target_include_directories(kmod_${name} PRIVATE ${inc})
      target_compile_options(kmod_${name} PRIVATE
        $<$<COMPILE_LANGUAGE:CXX>:${KERNEL_CXX_FLAGS}>
        $<$<COMPILE_LANGUAGE:ASM>:-fno-pic>)
      target_compile_definitions(kmod_${name} PRIVATE KILN_KERNEL=1)
    endif()
    if(portable)
      add_library(kiln_${name}_host STATIC ${portable})
      target_include_directories(kiln_${name}_host PUBLIC ${inc})
      target_compile_options(kiln_${name}_host PRIVATE ${KILN_HOST_CXX_FLAGS})
      set_target_properties(kiln_${name}_host PROPERTIES POSITION_INDEPENDENT_CODE ON)
    endif()
  endforeach()
  # Host libraries link their dependencies' host libraries (made above).
  foreach(name IN LISTS modules)
    if(NOT TARGET kiln_${name}_host)
      continue()
    endif()
    get_property(deps GLOBAL PROPERTY KILN_MODULE_${name}_DEPS)
    foreach(d IN LISTS deps)
      if(TARGET kiln_${d}_host)
        target_link_libraries(kiln_${name}_host PUBLIC kiln_${d}_host)
      endif()
    endforeach()
  endforeach()
endfunction()

# kiln_kernel(CONFIG MODULES module...): the kernel file of one bake
# configuration, share/kiln/kernel/CONFIG.elf, linked from exactly the
# modules it names. A module that calls into one the configuration leaves
# out fails to link, so each configuration is checked by the build.
function(kiln_kernel config)
  cmake_parse_arguments(K "" "" "MODULES" ${ARGN})
  set(target kernel_${config})
  set(objects)
  foreach(m IN LISTS K_MODULES)
    if(TARGET kmod_${m})
      list(APPEND objects $<TARGET_OBJECTS:kmod_${m}>)
    endif()
  endforeach()
  # The configuration's name, for the kernel's messages (init/bake_config.h).
  set(name_source ${CMAKE_CURRENT_BINARY_DIR}/bake_config_${config}.cpp)
  file(WRITE ${name_source}.new
    "// Generated by kernel/modules.cmake.\n"
    "namespace kiln { extern const char kBakeConfig[]; const char kBakeConfig[] = \"${config}\"; }\n")
  file(COPY_FILE ${name_source}.new ${name_source} ONLY_IF_DIFFERENT)
  add_executable(${target} ${objects} ${name_source})
  target_compile_options(${target} PRIVATE ${KERNEL_CXX_FLAGS})
  set_target_properties(${target} PROPERTIES LINKER_LANGUAGE CXX)
  target_link_options(${target} PRIVATE
    -nostdlib -static -no-pie -Wl,-T,${KERNEL_LINKER_SCRIPT} -Wl,--build-id=none
    -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -Wl,--fatal-warnings)
  target_link_libraries(${target} PRIVATE gcc)
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME ${config}.elf SUFFIX ""
    RUNTIME_OUTPUT_DIRECTORY ${KILN_SHARE_DIR}/kernel
    LINK_DEPENDS ${KERNEL_LINKER_SCRIPT})
  install(FILES ${KILN_SHARE_DIR}/kernel/${config}.elf DESTINATION share/kiln/kernel)
endfunction()
