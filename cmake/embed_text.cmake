# Writes OUTPUT, a C++ source defining `std::string_view FUNCTION(std::string_view name)` in
# NAMESPACE: the content of DIR/<name><SUFFIX> compiled in, or empty for an unknown name. For
# data files a binary needs at run time wherever it is installed (mappings, definitions).
#   cmake -DDIR=... -DSUFFIX=.jsonata -DNAMESPACE=... -DFUNCTION=... -DHEADER=... -DOUTPUT=...
#         -P embed_text.cmake
file(GLOB files RELATIVE "${DIR}" "${DIR}/*${SUFFIX}")
list(SORT files)
set(out "// Generated from ${DIR} by cmake/embed_text.cmake; do not edit.\n")
string(APPEND out "#include \"${HEADER}\"\n\nnamespace ${NAMESPACE} {\n\n")
string(APPEND out "std::string_view ${FUNCTION}(std::string_view name) {\n")
foreach(file ${files})
  file(READ "${DIR}/${file}" content)
  string(FIND "${content}" ")erphub_text\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${file} contains the literal's end marker")
  endif()
  string(LENGTH "${SUFFIX}" suffix_length)
  string(LENGTH "${file}" file_length)
  math(EXPR name_length "${file_length} - ${suffix_length}")
  string(SUBSTRING "${file}" 0 ${name_length} name)
  string(APPEND out "  if (name == \"${name}\") {\n    return R\"erphub_text(${content})erphub_text\";\n  }\n")
endforeach()
string(APPEND out "  return {};\n}\n\n}  // namespace ${NAMESPACE}\n")
file(WRITE "${OUTPUT}.tmp" "${out}")
# Only a changed file is rewritten, so that nothing rebuilds for nothing.
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
