# Writes two font files as C++ byte arrays (kUiFont, kUiFontBold), to #include: the typeface is
# installed by Debian (fonts-inter) and embedded at build time, never committed.
#   cmake -DREGULAR=font.otf -DBOLD=font-bold.otf -DOUT=file.inc -P embed_fonts.cmake
function(embed name path)
  file(READ "${path}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  file(APPEND "${OUT}.tmp" "alignas(4) static const unsigned char ${name}[] = {${bytes}};\n")
endfunction()
file(WRITE "${OUT}.tmp" "// Generated from ${REGULAR} and ${BOLD} by embed_fonts.cmake.\n")
embed(kUiFont "${REGULAR}")
embed(kUiFontBold "${BOLD}")
file(RENAME "${OUT}.tmp" "${OUT}")
