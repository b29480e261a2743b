// SpineBall sensor pod: sits on the ball's valve so the IMU turns with the
// ball. The inflation needle (NDL1) stays in the valve; its hub is captured
// in the centre boss and sealed with O-ring OR2, and a silicone tube (TUBE1)
// runs from the hub to the MPRLS port: the ball's air never enters the pod.
// The lid O-ring (OR1) keeps sweat and dust out; USB-C charges through a side
// slot closed by a silicone plug (PLUG1).
//
// Render (headless):
//   openscad -o pod_base.stl -D 'part="base"' pod.scad
//   openscad -o pod_lid.stl  -D 'part="lid"'  pod.scad
// Print in PETG, 4 perimeters, 40 % infill; lid membrane in TPU (see README).

part = "base";          // "base", "lid" or "assembly"
$fn = 48;               // modest: renders in seconds

ball_d = 230;           // 6-lb medicine ball, ≈ 20–26 cm (domain notes)
pod_d = 60;             // outside diameter
cavity_d = 50;
base_h = 16;            // base height at the rim
floor_t = 3;            // floor thickness at the centre (thicker towards the rim)
lid_h = 8;
lid_recess = 5;         // how far the lid's inside rises above the base rim

oring_cord = 1.5;       // OR1: 53 × 1.5 mm NBR in the base rim
oring_groove_w = 2.0;
oring_groove_d = 1.1;   // ≈ 27 % squeeze of the 1.5 mm cord
oring_groove_r = 27.25; // mean radius of the groove

needle_bore = 2.4;      // needle shaft (≈ 2.0 mm) with clearance
hub_d = 7.2;            // needle hub pocket
hub_h = 8;
boss_d = 12;

insert_d = 3.2;         // M2 heat-set inserts (HW2)
screw_d = 2.4;          // M2 clearance
screw_r = 20.5;

usb_w = 9.6;            // USB-C receptacle with plug lip
usb_h = 3.8;
usb_z = 10.8;           // XIAO on 1 mm ribs above the floor: USB-C centre height

button_d = 9;           // SW1 pressed through a TPU membrane
led_d = 3.2;            // light pipe for D2

// Axisymmetric parts are one rotate_extrude of a 2-D profile: cheap to
// render, and the concave underside keeps a fine arc.
ball_r = ball_d / 2;
chamfer = 1.2;
function sag(r) = ball_r - sqrt(ball_r * ball_r - r * r); // ball surface height at radius r
// Underside: concave, highest at the centre (the valve), touching the ball
// along the rim; z = 0 at the rim.
arc = [for (i = [0:12]) let(r = pod_d / 2 * i / 12) [r, sag(pod_d / 2) - sag(r)]];

floor_top = floor_t + arc[0][1]; // flat cavity floor above the underside's highest point

module base_shell() {
    // floor follows the ball (lowest at the rim), wall up to the rim
    rotate_extrude()
        polygon(concat(
            [[0, arc[0][1]]],
            [for (i = [1:12]) arc[i]],
            [[pod_d / 2, base_h - chamfer], [pod_d / 2 - chamfer, base_h],
             [cavity_d / 2, base_h], [cavity_d / 2, floor_top], [0, floor_top]]));
}

module lid_shell() {
    rotate_extrude()
        polygon([[cavity_d / 2, 0], [pod_d / 2, 0], [pod_d / 2, lid_h - chamfer],
                 [pod_d / 2 - chamfer, lid_h], [0, lid_h], [0, lid_recess],
                 [cavity_d / 2, lid_recess]]);
}

hole_fn = 20;           // small holes need few facets

module at_screws() {
    for (a = [45, 135, 225, 315]) rotate([0, 0, a]) translate([screw_r, 0, 0]) children();
}

module base() {
    // One union of the solids, then one difference of every hole: each CSG
    // step in CGAL is costly, so they are batched.
    difference() {
        union() {
            base_shell();
            translate([0, 0, floor_top - 0.01]) cylinder(d = boss_d, h = hub_h);
            at_screws() cylinder(d = 7, h = base_h - 2, $fn = hole_fn);
            // support ribs for the XIAO (U1) and the battery (BT1)
            for (y = [-8, 8]) translate([8, y - 0.5, floor_top - 0.01]) cube([16, 1, 1]);
        }
        at_screws() translate([0, 0, floor_top]) cylinder(d = insert_d, h = base_h, $fn = hole_fn);
        // needle shaft and hub pocket, OR2 under the hub
        translate([0, 0, -5]) cylinder(d = needle_bore, h = floor_t + 10, $fn = hole_fn);
        translate([0, 0, floor_top - 1]) cylinder(d = hub_d, h = hub_h + 2, $fn = hole_fn);
        // lid O-ring groove in the rim
        translate([0, 0, base_h - oring_groove_d])
            rotate_extrude()
                translate([oring_groove_r - oring_groove_w / 2, 0])
                    square([oring_groove_w, oring_groove_d + 1]);
        // USB-C slot, facing the rolling axis side of the ball
        translate([cavity_d / 2 - 1, -usb_w / 2, usb_z - usb_h / 2])
            cube([pod_d / 2 - cavity_d / 2 + 2, usb_w, usb_h]);
    }
}

module lid() {
    difference() {
        union() {
            lid_shell();
            // screw pillars reaching down to the bosses
            at_screws() cylinder(d = 6, h = lid_recess, $fn = hole_fn);
        }
        at_screws() {
            translate([0, 0, -1]) cylinder(d = screw_d, h = lid_h + 2, $fn = hole_fn);
            translate([0, 0, lid_h - 1.5]) cylinder(d = 4.2, h = 3, $fn = hole_fn); // screw head
        }
        translate([-12, 0, -1]) cylinder(d = button_d, h = lid_h + 2, $fn = hole_fn);
        translate([12, 0, -1]) cylinder(d = led_d, h = lid_h + 2, $fn = hole_fn);
    }
}

if (part == "base") {
    base();
} else if (part == "lid") {
    // printed upside down: flat top on the bed
    translate([0, 0, lid_h]) mirror([0, 0, 1]) lid();
} else {
    base();
    translate([0, 0, base_h + 0.5]) lid();
}
