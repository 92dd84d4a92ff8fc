#!/bin/sh
# make-images.sh -- regenerate the demo lead images in demo/images/.
#
# Every picture is synthesised from scratch with the `vips` command-line
# tool (Debian/Ubuntu package: libvips-tools): gradients built from
# coordinate images, Perlin noise for ridgelines, water and clouds, sine
# gratings for textures, and a handful of drawn rectangles and lines. No
# photographs or third-party artwork are used. The output is deterministic
# for a given libvips version because every noise source is seeded (except
# the faint gaussnoise grain/stars, which only affect fine detail).
#
# Usage: demo/make-images.sh [outdir]     (default: demo/images next to this script)
#        ONLY="dunes aurora" demo/make-images.sh   (just those pictures)
#
# The build does not run this; the JPEGs it produced are committed.

set -eu

W=1600
H=900
Q=80

here=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$here/images}
mkdir -p "$OUT"

command -v vips >/dev/null 2>&1 || {
	echo "make-images.sh: the 'vips' tool is required (apt-get install libvips-tools)" >&2
	exit 1
}

T=$(mktemp -d "${TMPDIR:-/tmp}/dateline-img.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

# (negative numbers must follow "--" so vips does not read them as options)
calc() { awk "BEGIN { printf \"%.6f\", $* }"; }
icalc() { awk "BEGIN { printf \"%d\", $* }"; }

# --------------------------------------------------------------------------
# Primitives. Images live in $T as .v files; colours are "r g b" strings on a
# 0..255 scale, and masks are uchar (0 = keep ELSE, 255 = take THEN).
# --------------------------------------------------------------------------

coords() {
	vips xyz "$T/xy.v" $W $H
	vips cast "$T/xy.v" "$T/xyf.v" float
	vips extract_band "$T/xyf.v" "$T/x.v" 0
	vips extract_band "$T/xyf.v" "$T/y.v" 1
	vips black "$T/zero.v" $W $H
}

# solid OUT "r g b"
solid() { vips linear -- "$T/zero.v" "$1" 1 "$2"; }

# ramp OUT Y0 Y1 -- uchar mask, 0 above Y0 rising linearly to 255 at Y1
ramp() {
	_a=$(calc "255 / ($3 - ($2))")
	_b=$(calc "-($2) * $_a")
	vips linear -- "$T/y.v" "$T/ramp.v" "$_a" "$_b"
	vips cast "$T/ramp.v" "$1" uchar
}

# mix OUT MASK THEN ELSE -- soft blend by a uchar mask
mix() { vips ifthenelse "$2" "$3" "$4" "$1" --blend; }

# vgrad OUT C0 [Y0 Y1 C1]... -- vertical gradient through colour stops
vgrad() {
	_out=$1
	solid "$T/vg.v" "$2"
	shift 2
	while [ $# -ge 3 ]; do
		solid "$T/vgc.v" "$3"
		ramp "$T/vgm.v" "$1" "$2"
		mix "$T/vg2.v" "$T/vgm.v" "$T/vgc.v" "$T/vg.v"
		mv "$T/vg2.v" "$T/vg.v"
		shift 3
	done
	mv "$T/vg.v" "$_out"
}

# noise1d OUT SEED CELL -- a W x 1 float row of two-octave Perlin noise
noise1d() {
	vips perlin "$T/n1.v" $W 1 --cell-size "$3" --seed "$2"
	vips perlin "$T/n2.v" $W 1 --cell-size $(($3 / 4 + 1)) --seed $(($2 + 7919))
	vips linear -- "$T/n2.v" "$T/n2s.v" 0.3 0
	vips add "$T/n1.v" "$T/n2s.v" "$1"
}

# ridge MASK DIST SLOPE SEED BASE AMP CELL SOFT [ridged]
#   A horizon line h(x) = BASE + AMP * noise(x). MASK is 255 below the line
#   (soft over SOFT pixels), DIST = y - h(x) (depth below the line) and
#   SLOPE = h(x+6) - h(x), used for side lighting. "ridged" folds the noise
#   with abs() for sharper peaks and crests.
ridge() {
	_m=$1 _d=$2 _s=$3 _seed=$4 _base=$5 _amp=$6 _cell=$7 _soft=$8
	noise1d "$T/rn.v" "$_seed" "$_cell"
	if [ "${9:-}" = ridged ]; then
		vips abs "$T/rn.v" "$T/rna.v"
		vips linear -- "$T/rna.v" "$T/rn.v" 1 -0.6
	fi
	vips linear -- "$T/rn.v" "$T/h1.v" "$_amp" "$_base"
	vips embed --extend copy -- "$T/h1.v" "$T/h1s.v" -6 0 $W 1
	vips subtract "$T/h1s.v" "$T/h1.v" "$T/sl1.v"
	vips embed "$T/sl1.v" "$_s" 0 0 $W $H --extend copy
	vips embed "$T/h1.v" "$T/h.v" 0 0 $W $H --extend copy
	vips subtract "$T/y.v" "$T/h.v" "$_d"
	vips linear -- "$_d" "$T/rm.v" "$(calc "255 / $_soft")" 0
	vips cast "$T/rm.v" "$_m" uchar
}

# glow OUT CX CY RX RY -- float exp(-(dx/rx)^2 - (dy/ry)^2), 1 at the centre
glow() {
	vips linear -- "$T/x.v" "$T/gx.v" "$(calc "1 / $4")" "$(calc "-($2) / $4")"
	vips linear -- "$T/y.v" "$T/gy.v" "$(calc "1 / $5")" "$(calc "-($3) / $5")"
	vips multiply "$T/gx.v" "$T/gx.v" "$T/gx2.v"
	vips multiply "$T/gy.v" "$T/gy.v" "$T/gy2.v"
	vips add "$T/gx2.v" "$T/gy2.v" "$T/gd.v"
	vips linear -- "$T/gd.v" "$T/gn.v" -1 0
	vips math "$T/gn.v" "$1" exp
}

# light OUT IN INTENSITY "r g b" -- IN + INTENSITY * colour (additive light)
light() {
	vips linear -- "$3" "$T/lc.v" "$4" 0
	vips add "$2" "$T/lc.v" "$1"
}

# shade OUT COLOUR SLOPE DIST K FADE [DEPTH]
#   Side lighting for a ridge layer: COLOUR * (1 + K * slope * exp(-d/FADE)),
#   so the slope only matters near the crest and dies away down the face,
#   plus a darkening with depth below the crest (DEPTH per 400 px).
shade() {
	vips gaussblur "$3" "$T/shs.v" 3
	vips linear -- "$4" "$T/shd.v" "$(calc "-1 / $6")" 0
	vips math "$T/shd.v" "$T/shf.v" exp
	vips multiply "$T/shs.v" "$T/shf.v" "$T/shm.v"
	vips linear -- "$4" "$T/shdd.v" "$(calc "-${7:-0.25} / 400")" 1.03
	vips linear -- "$T/shm.v" "$T/shk.v" "$5" 0
	vips add "$T/shk.v" "$T/shdd.v" "$T/shl.v"
	vips multiply "$2" "$T/shl.v" "$1"
}

# tex OUT IN NOISE K -- IN * (1 + K * NOISE)
tex() {
	vips linear -- "$3" "$T/tx.v" "$4" 1
	vips multiply "$2" "$T/tx.v" "$1"
}

# streaks OUT SEED STRETCH CELL -- Perlin noise stretched horizontally
streaks() {
	vips perlin "$T/st.v" $((W / $3)) $H --cell-size "$4" --seed "$2"
	vips resize "$T/st.v" "$1" "$3" --vscale 1 --kernel linear
}

# rays OUT SEED STRETCH CELL -- Perlin noise stretched vertically
rays() {
	vips perlin "$T/ry.v" $W $((H / $3)) --cell-size "$4" --seed "$2"
	vips resize "$T/ry.v" "$1" 1 --vscale "$3" --kernel linear
}

# water OUT SCENE HORIZON "deep rgb" SEED
#   Reflect SCENE about y = HORIZON, ripple it sideways with streak noise,
#   tint it toward the deep-water colour with depth, and composite it back.
water() {
	_out=$1 _scene=$2 _hz=$3 _deep=$4 _seed=$5
	_rh=$((H - _hz))
	vips crop "$_scene" "$T/wc.v" 0 $((2 * _hz - H)) $W $_rh
	vips flip "$T/wc.v" "$T/wf.v" vertical
	# (padded 32 px each side: mapim is unreliable right at the edges)
	vips embed "$T/wf.v" "$T/wr.v" 32 "$_hz" $((W + 64)) $H --extend copy
	# ripple: displace sample positions sideways and slightly vertically
	streaks "$T/ws.v" "$_seed" 20 3
	vips linear -- "$T/ws.v" "$T/wdx.v" 10 32
	vips linear -- "$T/ws.v" "$T/wdy.v" 3 0
	vips add "$T/x.v" "$T/wdx.v" "$T/wmx.v"
	vips add "$T/y.v" "$T/wdy.v" "$T/wmy.v"
	vips bandjoin "$T/wmx.v $T/wmy.v" "$T/wmap.v"
	vips mapim "$T/wr.v" "$T/wrr.v" "$T/wmap.v" --extend copy
	# darker and deeper toward the bottom of the frame
	solid "$T/wdeep.v" "$_deep"
	ramp "$T/wdm.v" "$_hz" $((H + 120))
	mix "$T/wmix.v" "$T/wdm.v" "$T/wdeep.v" "$T/wrr.v"
	tex "$T/wt.v" "$T/wmix.v" "$T/ws.v" 0.10
	ramp "$T/wm.v" "$_hz" $((_hz + 2))
	mix "$_out" "$T/wm.v" "$T/wt.v" "$_scene"
}

# grain OUT IN SIGMA -- a little luminance grain to hide gradient banding
grain() {
	vips gaussnoise "$T/gr.v" $W $H --sigma "$3" --mean 0
	vips add "$2" "$T/gr.v" "$1"
}

# save IN NAME -- clip to 8 bit and write a stripped, optimised JPEG
save() {
	vips cast "$1" "$T/s8.v" uchar
	vips copy "$T/s8.v" "$T/s8i.v" --interpretation srgb
	vips jpegsave "$T/s8i.v" "$OUT/$2" --Q $Q --strip --optimize-coding --interlace
	echo "wrote $OUT/$2 ($(wc -c < "$OUT/$2") bytes)"
}

coords

# --------------------------------------------------------------------------
# harbour.jpg -- dusk over a harbour: blue hour sky, low hills, crane
# silhouettes, rippled reflections.
# --------------------------------------------------------------------------
harbour() {
	hz=560
	vgrad "$T/sky.v" "18 34 72" 0 300 "58 88 140" 300 520 "214 150 128" 520 565 "246 196 150"
	vips perlin "$T/cl1.v" $W $H --cell-size 260 --seed 11
	tex "$T/sky1.v" "$T/sky.v" "$T/cl1.v" 0.08
	glow "$T/sun.v" 1130 548 260 60
	light "$T/sky2.v" "$T/sky1.v" "$T/sun.v" "70 40 10"
	# distant hills
	ridge "$T/m1.v" "$T/d1.v" "$T/s1.v" 41 520 26 420 2 ridged
	solid "$T/c1.v" "70 78 112"
	mix "$T/sc1.v" "$T/m1.v" "$T/c1.v" "$T/sky2.v"
	ridge "$T/m2.v" "$T/d2.v" "$T/s2.v" 43 548 10 300 2
	solid "$T/c2.v" "34 40 66"
	mix "$T/sc2.v" "$T/m2.v" "$T/c2.v" "$T/sc1.v"
	cp "$T/sc2.v" "$T/scene.v"
	# quay and cranes, drawn as flat silhouettes
	ink="22 26 44"
	vips draw_rect "$T/scene.v" "$ink" 0 546 $W 16 --fill
	for c in "180 1.00" "395 0.82" "1340 0.94"; do
		set -- $c
		cx=$1
		s=$2
		tall=$(icalc "250 * $s")
		span=$(icalc "110 * $s")
		leg=$(icalc "7 * $s + 2")
		top=$((546 - tall))
		vips draw_rect "$T/scene.v" "$ink" $((cx - span / 2)) $((top + tall / 3)) $leg $((tall * 2 / 3)) --fill
		vips draw_rect "$T/scene.v" "$ink" $((cx + span / 2)) $((top + tall / 3)) $leg $((tall * 2 / 3)) --fill
		vips draw_rect "$T/scene.v" "$ink" $((cx - span / 2)) $((top + tall / 3)) $((span + leg)) $((leg + 2)) --fill
		vips draw_rect "$T/scene.v" "$ink" $((cx - span / 2 - span / 2)) $((top + tall / 3 + 20)) $((span * 2 + span / 2)) $((leg + 3)) --fill
		vips draw_rect "$T/scene.v" "$ink" $((cx - span / 6)) $top $((leg + 2)) $((tall / 3 + 4)) --fill
		vips draw_line "$T/scene.v" "$ink" $((cx - span / 6)) $top $((cx - span)) $((top + tall / 3 + 20))
		vips draw_line "$T/scene.v" "$ink" $((cx - span / 6)) $top $((cx + span + span / 4)) $((top + tall / 3 + 20))
		vips draw_rect "$T/scene.v" "255 196 120" $((cx - span / 6)) $((top - 3)) 4 4 --fill
	done
	# a few stacked containers on the quay
	x=520
	for col in "120 52 44" "52 82 110" "150 110 52" "60 96 80" "120 52 44" "78 70 110"; do
		vips draw_rect "$T/scene.v" "$col" $x 524 58 22 --fill
		x=$((x + 62))
	done
	vips draw_rect "$T/scene.v" "52 82 110" 551 502 58 22 --fill
	vips draw_rect "$T/scene.v" "150 110 52" 613 502 58 22 --fill
	water "$T/w.v" "$T/scene.v" $hz "12 24 48" 21
	glow "$T/sunw.v" 1130 600 60 220
	streaks "$T/spark.v" 29 40 2
	vips multiply "$T/sunw.v" "$T/spark.v" "$T/sw.v"
	vips abs "$T/sw.v" "$T/swa.v"
	ramp "$T/below.v" $hz $((hz + 6))
	vips cast "$T/below.v" "$T/belowf.v" float
	vips linear -- "$T/belowf.v" "$T/belown.v" "$(calc "1 / 255")" 0
	vips multiply "$T/swa.v" "$T/belown.v" "$T/swm.v"
	light "$T/final.v" "$T/w.v" "$T/swm.v" "230 150 90"
	grain "$T/fg.v" "$T/final.v" 1.2
	save "$T/fg.v" harbour.jpg
}

# --------------------------------------------------------------------------
# tea-hills.jpg -- misty morning over rolling green hills with contour rows.
# --------------------------------------------------------------------------
tea_hills() {
	vgrad "$T/sky.v" "196 214 214" 0 380 "236 236 214" 380 470 "246 238 212"
	glow "$T/sun.v" 420 210 300 220
	light "$T/sc.v" "$T/sky.v" "$T/sun.v" "18 16 0"
	i=0
	vips perlin "$T/tv.v" $W $H --cell-size 180 --seed 17
	for layer in "390 60 520 6 150 180 150 0.00 30" \
		"470 70 460 4 118 160 112 0.04 26" \
		"560 80 400 3 84 140 78 0.07 20" \
		"660 90 360 2 56 118 54 0.09 15" \
		"770 70 320 2 34 88 38 0.10 11"; do
		set -- $layer
		base=$1 amp=$2 cell=$3 soft=$4 col="$5 $6 $7" rows=$8 freq=$9
		i=$((i + 1))
		ridge "$T/m.v" "$T/d.v" "$T/s.v" $((100 + i * 13)) $base $amp $cell $soft
		solid "$T/c.v" "$col"
		# light falls from the upper left: slopes facing it are brighter
		shade "$T/c1.v" "$T/c.v" "$T/s.v" "$T/d.v" 0.04 90
		tex "$T/c2.v" "$T/c1.v" "$T/tv.v" 0.10
		# tea rows: stripes that follow the hill's own contour, wider
		# (nearer) on the lower layers, wandering a little
		vips linear -- "$T/d.v" "$T/ph.v" "$freq" 0
		vips linear -- "$T/tv.v" "$T/phn.v" 120 0
		vips add "$T/ph.v" "$T/phn.v" "$T/ph2.v"
		vips math "$T/ph2.v" "$T/rw.v" sin
		tex "$T/c3.v" "$T/c2.v" "$T/rw.v" "$rows"
		# haze: far layers blend toward the sky colour
		mix "$T/sc2.v" "$T/m.v" "$T/c3.v" "$T/sc.v"
		mv "$T/sc2.v" "$T/sc.v"
	done
	# low mist band over the valleys
	glow "$T/mist.v" 800 560 1400 60
	light "$T/sc3.v" "$T/sc.v" "$T/mist.v" "40 40 34"
	grain "$T/fg.v" "$T/sc3.v" 1.0
	save "$T/fg.v" tea-hills.jpg
}

# --------------------------------------------------------------------------
# aurora.jpg -- green and violet aurora curtains over a dark fjord.
# --------------------------------------------------------------------------
aurora() {
	hz=640
	vgrad "$T/sky.v" "4 8 24" 0 480 "12 32 54" 480 640 "26 58 74"
	# stars: sparse bright points from thresholded noise
	vips gaussnoise "$T/sn.v" $W $H --sigma 1 --mean 0
	vips relational_const "$T/sn.v" "$T/sm.v" more 3.3
	vips cast "$T/sm.v" "$T/smf.v" float
	vips gaussblur "$T/smf.v" "$T/smb.v" 0.7
	vips linear -- "$T/smb.v" "$T/smn.v" "$(calc "1 / 90")" 0
	light "$T/sky1.v" "$T/sky.v" "$T/smn.v" "255 255 240"
	# the curtain: a wavy lower edge with rays rising from it
	noise1d "$T/an.v" 61 300
	vips linear -- "$T/an.v" "$T/ah1a.v" 130 200
	# finer folds in the ribbon
	vips perlin "$T/anf.v" $W 1 --cell-size 70 --seed 63
	vips linear -- "$T/anf.v" "$T/anfs.v" 34 0
	vips add "$T/ah1a.v" "$T/anfs.v" "$T/ah1.v"
	vips embed "$T/ah1.v" "$T/ah0.v" 0 0 $W $H --extend copy
	vips linear -- "$T/x.v" "$T/adiag.v" 0.16 0
	vips add "$T/ah0.v" "$T/adiag.v" "$T/ah.v"
	vips subtract "$T/y.v" "$T/ah.v" "$T/ad.v"
	vips linear -- "$T/ad.v" "$T/au.v" "$(calc "1 / 170")" 0
	vips math "$T/au.v" "$T/aup.v" exp
	vips linear -- "$T/ad.v" "$T/al.v" "$(calc "-1 / 16")" 0
	vips math "$T/al.v" "$T/alo1.v" exp
	# a soft diffuse glow below the sharp lower edge
	vips linear -- "$T/ad.v" "$T/al2.v" "$(calc "-1 / 220")" 0
	vips math "$T/al2.v" "$T/alo2.v" exp
	vips linear -- "$T/alo1.v" "$T/alo1s.v" 0.85 0
	vips linear -- "$T/alo2.v" "$T/alo2s.v" 0.38 0
	vips add "$T/alo1s.v" "$T/alo2s.v" "$T/alo.v"
	vips relational_const "$T/ad.v" "$T/aside.v" more 0
	vips ifthenelse "$T/aside.v" "$T/alo.v" "$T/aup.v" "$T/env.v"
	rays "$T/ar.v" 67 40 18
	vips linear -- "$T/ar.v" "$T/arn.v" 0.8 0.6
	vips perlin "$T/ab.v" $W $H --cell-size 300 --seed 71
	vips linear -- "$T/ab.v" "$T/abn.v" 0.7 0.65
	vips multiply "$T/env.v" "$T/arn.v" "$T/e1.v"
	vips multiply "$T/e1.v" "$T/abn.v" "$T/e2.v"
	vips linear -- "$T/e2.v" "$T/e3.v" 1 0
	# green at the base, violet where the rays fade out
	vips linear -- "$T/ad.v" "$T/tint.v" "$(calc "-255 / 230")" 0
	vips cast "$T/tint.v" "$T/tintm.v" uchar
	solid "$T/g.v" "70 235 150"
	solid "$T/v.v" "150 70 190"
	mix "$T/acol.v" "$T/tintm.v" "$T/v.v" "$T/g.v"
	vips multiply "$T/acol.v" "$T/e3.v" "$T/alight.v"
	vips add "$T/sky1.v" "$T/alight.v" "$T/sky2.v"
	# mountains
	ridge "$T/m1.v" "$T/d1.v" "$T/s1.v" 81 600 150 380 2 ridged
	solid "$T/c1.v" "12 22 34"
	mix "$T/sc1.v" "$T/m1.v" "$T/c1.v" "$T/sky2.v"
	ridge "$T/m2.v" "$T/d2.v" "$T/s2.v" 83 636 60 260 2 ridged
	solid "$T/c2.v" "6 12 20"
	mix "$T/sc2.v" "$T/m2.v" "$T/c2.v" "$T/sc1.v"
	vips draw_rect "$T/sc2.v" "6 12 20" 0 630 $W 12 --fill
	# a couple of cabin windows on the far shore
	vips draw_rect "$T/sc2.v" "255 200 120" 604 626 3 3 --fill
	vips draw_rect "$T/sc2.v" "255 200 120" 640 628 3 3 --fill
	vips draw_rect "$T/sc2.v" "255 190 110" 1211 624 3 3 --fill
	water "$T/w.v" "$T/sc2.v" $hz "2 6 14" 91
	grain "$T/fg.v" "$T/w.v" 1.4
	save "$T/fg.v" aurora.jpg
}

# --------------------------------------------------------------------------
# textile.jpg -- an abstract woven band pattern: zigzag stripes in madder
# red, ochre, indigo and cream with a fine warp-and-weft texture.
# --------------------------------------------------------------------------
textile() {
	# colour table: 256 x 1 strip of stripes, indexed by a warped y
	vips black "$T/lut.v" 256 1 --bands 3
	x=0
	for s in "28 178 40 36" "6 236 214 176" "30 216 150 48" "4 40 46 92" \
		"22 36 52 104" "6 236 214 176" "26 150 36 70" "8 30 140 130" \
		"30 196 110 40" "4 236 214 176" "24 60 36 84" "10 232 170 60" \
		"28 178 40 36" "6 236 214 176" "24 40 46 92"; do
		set -- $s
		vips draw_rect "$T/lut.v" "$2 $3 $4" $x 0 $1 1 --fill
		x=$((x + $1))
	done
	# zigzag: a triangle wave made with asin(sin(x))
	vips linear -- "$T/x.v" "$T/zx.v" 1.8 0
	vips math "$T/zx.v" "$T/zs.v" sin
	vips math "$T/zs.v" "$T/zt.v" asin
	vips linear -- "$T/zt.v" "$T/zz.v" 0.34 0
	# slow diagonal drift so the bands are not perfectly level
	noise1d "$T/dr.v" 5 700
	vips linear -- "$T/dr.v" "$T/dr1.v" 30 0
	vips embed "$T/dr1.v" "$T/drf.v" 0 0 $W $H --extend copy
	vips add "$T/y.v" "$T/zz.v" "$T/iy.v"
	vips add "$T/iy.v" "$T/drf.v" "$T/iy2.v"
	# map 0..900 onto 0..255 with wraparound handled by the table length
	vips linear -- "$T/iy2.v" "$T/idx.v" "$(calc "256 / 900")" 6
	vips cast "$T/idx.v" "$T/idxu.v" uchar
	vips maplut "$T/idxu.v" "$T/cloth.v" "$T/lut.v"
	vips cast "$T/cloth.v" "$T/clothf.v" float
	# weave: warp and weft threads as crossed fine sine gratings
	vips linear -- "$T/x.v" "$T/wx.v" 60 0
	vips math "$T/wx.v" "$T/swx.v" sin
	vips linear -- "$T/y.v" "$T/wy.v" 72 0
	vips math "$T/wy.v" "$T/swy.v" sin
	vips multiply "$T/swx.v" "$T/swy.v" "$T/weave.v"
	tex "$T/c1.v" "$T/clothf.v" "$T/weave.v" 0.02
	vips perlin "$T/pn.v" $W $H --cell-size 140 --seed 13
	tex "$T/c2.v" "$T/c1.v" "$T/pn.v" 0.12
	# soft side light and vignette
	glow "$T/vig.v" 700 380 1200 760
	vips linear -- "$T/vig.v" "$T/vign.v" 0.45 0.62
	vips multiply "$T/c2.v" "$T/vign.v" "$T/c3.v"
	save "$T/c3.v" textile.jpg
}

# --------------------------------------------------------------------------
# dunes.jpg -- ochre dunes under a hazy sky, lit from the low western sun.
# --------------------------------------------------------------------------
dunes() {
	vgrad "$T/sky.v" "150 176 196" 0 360 "236 214 176" 360 440 "246 222 176"
	glow "$T/sun.v" 260 320 220 140
	light "$T/sc.v" "$T/sky.v" "$T/sun.v" "30 24 10"
	vips perlin "$T/rn2.v" $W $H --cell-size 150 --seed 23
	i=0
	for layer in "430 40 700 2 214 168 120 0.03 2.2" \
		"500 70 520 2 208 146 88 0.05 2.8" \
		"600 90 460 2 196 120 62 0.06 3.4" \
		"730 110 420 2 184 100 46 0.07 4.0"; do
		set -- $layer
		base=$1 amp=$2 cell=$3 soft=$4 col="$5 $6 $7" rip=$8 sh=$9
		i=$((i + 1))
		ridge "$T/m.v" "$T/d.v" "$T/s.v" $((200 + i * 17)) $base $amp $cell $soft ridged
		solid "$T/c.v" "$col"
		# crest lighting: faces toward the sun are bright, lee sides dark
		shade "$T/c1.v" "$T/c.v" "$T/s.v" "$T/d.v" "$(calc "$sh / 40")" 22 0.7
		# wind ripples following the dune surface, bent by noise
		vips linear -- "$T/d.v" "$T/ph.v" 26 0
		vips linear -- "$T/x.v" "$T/phx.v" 0.8 0
		vips add "$T/ph.v" "$T/phx.v" "$T/ph1.v"
		vips linear -- "$T/rn2.v" "$T/phn.v" 260 0
		vips add "$T/ph1.v" "$T/phn.v" "$T/ph2.v"
		vips math "$T/ph2.v" "$T/rp.v" sin
		tex "$T/c2.v" "$T/c1.v" "$T/rp.v" "$rip"
		mix "$T/sc2.v" "$T/m.v" "$T/c2.v" "$T/sc.v"
		mv "$T/sc2.v" "$T/sc.v"
	done
	grain "$T/fg.v" "$T/sc.v" 1.0
	save "$T/fg.v" dunes.jpg
}

# --------------------------------------------------------------------------
# lake-dawn.jpg -- violet and rose dawn over a still lake, misty ridges and a
# lone rowing shell.
# --------------------------------------------------------------------------
lake_dawn() {
	hz=520
	vgrad "$T/sky.v" "66 58 118" 0 260 "150 110 160" 260 470 "246 176 160" 470 525 "252 214 170"
	vips perlin "$T/cl.v" $W $H --cell-size 340 --seed 31
	tex "$T/sky1.v" "$T/sky.v" "$T/cl.v" 0.06
	glow "$T/sun.v" 560 520 320 90
	light "$T/sky2.v" "$T/sky1.v" "$T/sun.v" "40 30 10"
	cp "$T/sky2.v" "$T/sc.v"
	i=0
	for layer in "420 60 440 3 150 120 160" "465 50 340 2 112 88 136" "505 24 260 2 70 56 98"; do
		set -- $layer
		i=$((i + 1))
		ridge "$T/m.v" "$T/d.v" "$T/s.v" $((300 + i * 7)) $1 $2 $3 $4 ridged
		solid "$T/c.v" "$5 $6 $7"
		# mist pooling at the foot of each ridge
		ramp "$T/mr.v" $(($1 + $2 / 2)) $((hz + 10))
		vips linear -- "$T/mr.v" "$T/mr2.v" 0.55 0
		vips cast "$T/mr2.v" "$T/mr3.v" uchar
		mix "$T/cm2.v" "$T/mr3.v" "$T/sky2.v" "$T/c.v"
		mix "$T/sc2.v" "$T/m.v" "$T/cm2.v" "$T/sc.v"
		mv "$T/sc2.v" "$T/sc.v"
	done
	water "$T/w.v" "$T/sc.v" $hz "40 36 78" 37
	# rowing shell: hull, rower and oars
	ink="30 24 44"
	vips draw_rect "$T/w.v" "$ink" 980 676 200 5 --fill
	vips draw_rect "$T/w.v" "$ink" 1070 660 9 17 --fill
	vips draw_rect "$T/w.v" "$ink" 1068 652 12 10 --fill
	vips draw_line "$T/w.v" "$ink" 1072 668 1010 694
	vips draw_line "$T/w.v" "$ink" 1073 668 1011 694
	vips draw_line "$T/w.v" "$ink" 1078 668 1142 694
	vips draw_line "$T/w.v" "$ink" 1079 668 1143 694
	grain "$T/fg.v" "$T/w.v" 1.2
	save "$T/fg.v" lake-dawn.jpg
}

# ONLY="dunes aurora" demo/make-images.sh regenerates just those pictures.
for img in ${ONLY:-harbour tea_hills aurora textile dunes lake_dawn}; do
	"$img"
done
