# clown_embed(<target> SYMBOL <c++ symbol> FILES name=path ...)
# Compiles the files into <target> as `extern const clown::EmbeddedFiles <symbol>;`
# (see common/embedded.hpp). Regenerated when any file changes.
add_executable(clown_embed_file ${CMAKE_SOURCE_DIR}/cmake/embed_file.cpp ${CMAKE_SOURCE_DIR}/common/hex.cpp)
function(clown_embed target)
  cmake_parse_arguments(E "" "SYMBOL" "FILES" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${E_SYMBOL}_embedded.cpp)
  set(deps)
  foreach(spec ${E_FILES})
    string(FIND "${spec}" "=" eq)
    math(EXPR start "${eq} + 1")
    string(SUBSTRING "${spec}" ${start} -1 path)
    list(APPEND deps ${path})
  endforeach()
  add_custom_command(OUTPUT ${out}
    COMMAND clown_embed_file ${out} ${E_SYMBOL} ${E_FILES}
    DEPENDS clown_embed_file ${deps}
    COMMENT "Embedding ${E_SYMBOL}" VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
