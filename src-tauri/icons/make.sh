#!/bin/sh
# Draws the app icon (a white "MP" monogram on a dark blue rounded square) and writes every size
# Tauri asks for. Needs ImageMagick 6 (`apt-get install imagemagick`) and the DejaVu fonts.
# Run from anywhere: sh src-tauri/icons/make.sh
set -eu
cd "$(dirname "$0")"
im=/usr/bin/convert
font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
$im -size 1024x1024 xc:none \
    -fill '#1e3a8a' -draw 'roundrectangle 64,64 959,959 180,180' \
    -fill '#60a5fa' -draw 'rectangle 240,760 784,792' \
    -font "$font" -pointsize 420 -fill white -gravity center -annotate +0-40 'MP' \
    PNG32:master.png
for size in 32 128 256 512; do
    $im master.png -resize ${size}x${size} PNG32:${size}x${size}.png
done
mv 256x256.png 128x128@2x.png
mv 512x512.png icon.png
$im master.png -define icon:auto-resize=256,128,64,48,32,16 icon.ico
rm master.png
