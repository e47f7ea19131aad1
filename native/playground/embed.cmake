# Writes a file's text as a C++ raw string literal, to #include.
#   cmake -DIN=file -DOUT=file.inc -P embed.cmake
file(READ "${IN}" text)
file(WRITE "${OUT}" "R\"ripen_embedded(${text})ripen_embedded\"\n")
