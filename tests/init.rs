//! `reformsim init`: the starter project validates and runs as written, and a
//! folder that holds anything is refused and left alone.

use crate::common::reformsim_cli;
use crate::engine::tempdir;

fn utf8(path: &std::path::Path) -> &str {
    path.to_str().expect("utf-8 path")
}

#[test]
fn the_starter_project_validates_and_runs() {
    let base = tempdir("init-starter");
    let project = base.join("my-county");
    let (code, stdout, stderr) = reformsim_cli(&["init", utf8(&project)]);
    assert_eq!(code, 0, "init\n{stderr}");
    let scenario = project.join("scenario.ron");
    for name in ["scenario.ron", "documents.csv", "staff.csv", "services.csv", "steps.csv", "README.md"] {
        assert!(project.join(name).is_file(), "{name} was not written");
        assert!(stdout.contains(name), "init does not say it wrote {name}:\n{stdout}");
    }
    assert!(stdout.contains(&format!("reformsim validate {}", scenario.display())), "{stdout}");
    assert!(stdout.contains(&format!("reformsim run {}", scenario.display())), "{stdout}");

    let (code, _, stderr) = reformsim_cli(&["validate", utf8(&scenario)]);
    assert_eq!(code, 0, "validate\n{stderr}");
    assert!(!stderr.contains("warning"), "the starter project draws warnings:\n{stderr}");
    let out = base.join("out");
    let (code, _, stderr) = reformsim_cli(&["run", utf8(&scenario), "--out", utf8(&out), "--quiet"]);
    assert_eq!(code, 0, "run\n{stderr}");
    assert!(out.join("summary.csv").is_file(), "run wrote no summary");
}

#[test]
fn an_empty_folder_is_filled() {
    let dir = tempdir("init-empty");
    let (code, _, stderr) = reformsim_cli(&["init", utf8(&dir)]);
    assert_eq!(code, 0, "init into an empty folder\n{stderr}");
    assert!(dir.join("scenario.ron").is_file());
}

#[test]
fn a_folder_that_holds_anything_is_refused_and_kept() {
    let dir = tempdir("init-not-empty");
    let mine = dir.join("staff.csv");
    std::fs::write(&mine, "my own staff list\n").expect("write a user's file");
    let (code, stdout, stderr) = reformsim_cli(&["init", utf8(&dir)]);
    assert_eq!(code, 2, "init into a non-empty folder\n{stdout}{stderr}");
    assert!(stderr.contains(utf8(&dir)), "the message does not name the folder:\n{stderr}");
    assert!(stderr.contains("staff.csv"), "the message does not name what it holds:\n{stderr}");
    assert_eq!(std::fs::read_to_string(&mine).expect("read"), "my own staff list\n", "the user's file changed");
    let names: Vec<_> = std::fs::read_dir(&dir).expect("list").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("staff.csv")], "init wrote beside the user's file");

    let file = dir.join("staff.csv");
    let (code, _, stderr) = reformsim_cli(&["init", utf8(&file)]);
    assert_eq!(code, 2, "init onto a file\n{stderr}");
    assert!(stderr.contains("not a folder"), "{stderr}");
    // A path through a file, or a name longer than the system takes, is the path's fault (exit 2, was 1).
    let long = dir.join("x".repeat(300));
    for bad in [file.join("sub"), long] {
        let (code, _, stderr) = reformsim_cli(&["init", utf8(&bad)]);
        assert_eq!(code, 2, "{stderr}");
    }
}
