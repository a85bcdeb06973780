# Writes OUTPUT, a C++ source holding every .json file under DIR as a string literal, so that the
# definitions in src/formats/data/ are part of the binary (see src/formats/data_files.h).
#   cmake -DDIR=... -DOUTPUT=... -P embed_data.cmake
file(GLOB_RECURSE files RELATIVE "${DIR}" "${DIR}/*.json")
list(SORT files)
set(out "// Generated from src/formats/data by cmake/embed_data.cmake; do not edit.\n")
string(APPEND out "#include \"formats/data_files.h\"\n\nnamespace erphub::formats {\n\n")
string(APPEND out "extern const DataFileEntry kDataFiles[] = {\n")
foreach(file ${files})
  file(READ "${DIR}/${file}" content)
  string(FIND "${content}" ")erphub_data\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${file} contains the literal's end marker")
  endif()
  string(APPEND out "    {\"${file}\", R\"erphub_data(${content})erphub_data\"},\n")
endforeach()
string(APPEND out "};\n")
list(LENGTH files count)
string(APPEND out "extern const size_t kDataFileCount = ${count};\n\n}  // namespace erphub::formats\n")
file(WRITE "${OUTPUT}.tmp" "${out}")
# Only a changed file is rewritten, so that nothing rebuilds for nothing.
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
