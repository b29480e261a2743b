// SpineBall variant "under the ball": a base plate that weighs the load
// instead of measuring the ball's pressure. Four 50 kg half-bridge load cells
// (LC1–LC4, wired as one full bridge) sit in pockets under the ball seat and
// feed an HX711 (U4) in the centre pocket; the ball rests in the seat ring.
// Ø 200 mm fits a 220 mm print bed.
//
// Render (headless): openscad -o base_plate.stl base_plate.scad
// Note: firmware 1.1 reads the MPRLS only; the HX711 variant needs a driver.

$fn = 48;

plate_d = 200;
plate_t = 8;
seat_d = 140;          // ring the ball rests on (a 23 cm ball touches ≈ Ø 120–150)
seat_h = 14;
seat_wall = 6;

cell_size = 34.5;      // round-frame 50 kg half-bridge cells are 34 × 34 mm
cell_depth = 6;
cell_r = 70;           // under the seat ring
cell_flex = 22;        // the cell's centre must float: clear hole under it

hx711_w = 34;          // HX711 module 33 × 20 mm with header
hx711_l = 22;
hx711_depth = 5;

module cell_pocket() {
    translate([-cell_size / 2, -cell_size / 2, plate_t - cell_depth])
        cube([cell_size, cell_size, cell_depth + 1]);
    translate([0, 0, -1]) cylinder(d = cell_flex, h = plate_t + 2);
}

difference() {
    union() {
        cylinder(d = plate_d, h = plate_t);
        difference() {
            cylinder(d = seat_d, h = plate_t + seat_h);
            translate([0, 0, plate_t]) cylinder(d = seat_d - 2 * seat_wall, h = seat_h + 1);
        }
    }
    for (a = [0, 90, 180, 270])
        rotate([0, 0, a]) translate([cell_r, 0, 0]) cell_pocket();
    // HX711 pocket and wire channels to each cell
    translate([-hx711_w / 2, -hx711_l / 2, plate_t - hx711_depth])
        cube([hx711_w, hx711_l, hx711_depth + 1]);
    for (a = [0, 90, 180, 270])
        rotate([0, 0, a]) translate([hx711_w / 2 - 2, -2, plate_t - 3]) cube([cell_r - hx711_w / 2, 4, 4]);
    // cable exit
    translate([plate_d / 2 - 20, -3, plate_t - 3]) cube([25, 6, 4]);
}
