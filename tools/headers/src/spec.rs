//! Header specs: which Rust files make a header and how cbindgen is set up
//! for it.
//!
//! A spec is `tools/headers/specs/<header file name>.toml`:
//!
//! ```toml
//! sources = ["src/coremqtt/transport_interface.rs"]  # relative to the repo root
//! include_dir = "include"                            # optional; where the header goes
//! [cbindgen]                                         # merged over /cbindgen.toml
//! include_guard = "TRANSPORT_INTERFACE_H_"
//! ```
//!
//! The `[cbindgen]` table is deep-merged over the base configuration: tables
//! merge key by key, any other value (string, array, number) replaces the base
//! value.

use std::fs;
use std::path::{Path, PathBuf};

use toml::{Table, Value};

/// Where headers go when their spec names no `include_dir`.
pub const DEFAULT_INCLUDE_DIR: &str = "include";

/// One header to generate.
#[derive(Debug)]
pub struct Spec {
    /// File name of the header, e.g. `transport_interface.h`.
    pub header: String,
    /// Directory the header is written to, relative to the repository root:
    /// `include` (the MQTT library's headers) unless the spec says otherwise,
    /// e.g. `transports/posix/include` for a separately linked library.
    pub include_dir: String,
    /// Where the spec was read from, for messages.
    pub path: PathBuf,
    /// Rust source files, as absolute paths.
    pub sources: Vec<PathBuf>,
    /// The base configuration with the spec's `[cbindgen]` table merged in.
    pub config: Table,
    /// Item names the spec excludes: cbindgen warns that it "can't find"
    /// them wherever they are used, which is expected and not worth showing.
    pub excluded: Vec<String>,
}

/// Reads and parses a TOML file into a table.
pub fn read_table(path: &Path) -> Result<Table, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    text.parse::<Table>()
        .map_err(|e| format!("cannot parse {}: {e}", path.display()))
}

/// Merges `over` into `base`: nested tables merge recursively, every other
/// value in `over` replaces the one in `base`.
pub fn deep_merge(base: &mut Table, over: Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(Value::Table(base_table)), Value::Table(over_table)) => {
                deep_merge(base_table, over_table)
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Loads every `*.toml` in `specs_dir`, sorted by file name so the run is
/// deterministic, each merged over `base`.
pub fn load_all(root: &Path, specs_dir: &Path, base: &Table) -> Result<Vec<Spec>, String> {
    let entries =
        fs::read_dir(specs_dir).map_err(|e| format!("cannot list {}: {e}", specs_dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", specs_dir.display()))?
            .path();
        if path.extension().is_some_and(|ext| ext == "toml") {
            paths.push(path);
        }
    }
    paths.sort();
    paths.iter().map(|path| load(root, path, base)).collect()
}

/// Loads one spec file.
pub fn load(root: &Path, path: &Path, base: &Table) -> Result<Spec, String> {
    let header = path
        .file_stem()
        .and_then(|stem| stem.to_str())
        .ok_or_else(|| format!("{}: spec file name is not UTF-8", path.display()))?
        .to_owned();
    if !header.ends_with(".h") {
        return Err(format!(
            "{}: a spec is named after its header, e.g. `foo.h.toml`",
            path.display()
        ));
    }
    let mut table = read_table(path)?;

    let sources = match table.remove("sources") {
        Some(Value::Array(items)) if !items.is_empty() => items
            .into_iter()
            .map(|item| match item {
                Value::String(source) => Ok(root.join(source)),
                other => Err(format!(
                    "{}: `sources` entries must be strings, found {}",
                    path.display(),
                    other.type_str()
                )),
            })
            .collect::<Result<Vec<_>, _>>()?,
        _ => {
            return Err(format!(
                "{}: needs a non-empty `sources = [\"src/...rs\"]` array",
                path.display()
            ))
        }
    };
    for source in &sources {
        if !source.is_file() {
            return Err(format!(
                "{}: source {} does not exist",
                path.display(),
                source.display()
            ));
        }
    }

    let include_dir = match table.remove("include_dir") {
        None => DEFAULT_INCLUDE_DIR.to_owned(),
        Some(Value::String(dir))
            if !dir.is_empty()
                && Path::new(&dir).is_relative()
                && !dir.split('/').any(|part| part == ".." || part.is_empty()) =>
        {
            dir
        }
        Some(other) => {
            return Err(format!(
                "{}: `include_dir` must be a relative path inside the repository, found {other:?}",
                path.display()
            ))
        }
    };

    let overrides = match table.remove("cbindgen") {
        None => Table::new(),
        Some(Value::Table(overrides)) => overrides,
        Some(_) => return Err(format!("{}: `cbindgen` must be a table", path.display())),
    };
    if let Some(unknown) = table.keys().next() {
        return Err(format!(
            "{}: unknown key `{unknown}` (a spec has `sources`, `include_dir` and `[cbindgen]`)",
            path.display()
        ));
    }

    let mut config = base.clone();
    deep_merge(&mut config, overrides);
    let excluded = config
        .get("export")
        .and_then(|export| export.get("exclude"))
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();

    Ok(Spec {
        header,
        include_dir,
        path: path.to_owned(),
        sources,
        config,
        excluded,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        text.parse().expect("test TOML parses")
    }

    #[test]
    fn nested_tables_merge_and_scalars_replace() {
        let mut base = table(
            "language = \"C\"\nsys_includes = [\"a.h\"]\n\
             [enum]\nrename_variants = \"None\"\nprefix_with_name = false\n",
        );
        deep_merge(
            &mut base,
            table(
                "sys_includes = [\"b.h\"]\ninclude_guard = \"G\"\n\
                 [enum]\nprefix_with_name = true\n[export]\nexclude = [\"X\"]\n",
            ),
        );
        assert_eq!(
            base,
            table(
                "language = \"C\"\nsys_includes = [\"b.h\"]\ninclude_guard = \"G\"\n\
                 [enum]\nrename_variants = \"None\"\nprefix_with_name = true\n\
                 [export]\nexclude = [\"X\"]\n",
            )
        );
    }

    fn write_spec(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        fs::write(&path, text).expect("write test spec");
        path
    }

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("rsmqtt-headers-{}-{name}", std::process::id()));
        fs::create_dir_all(&dir).expect("create scratch dir");
        fs::write(dir.join("lib.rs"), "").expect("write source");
        dir
    }

    #[test]
    fn a_spec_yields_header_name_sources_and_exclusions() {
        let dir = scratch("ok");
        let path = write_spec(
            &dir,
            "foo.h.toml",
            "sources = [\"lib.rs\"]\n[cbindgen.export]\nexclude = [\"A\", \"B\"]\n",
        );
        let spec = load(&dir, &path, &table("language = \"C\"")).expect("valid spec");
        assert_eq!(spec.header, "foo.h");
        assert_eq!(spec.include_dir, "include");
        assert_eq!(spec.sources, vec![dir.join("lib.rs")]);
        assert_eq!(spec.excluded, vec!["A".to_owned(), "B".to_owned()]);
        assert_eq!(spec.config.get("language"), Some(&Value::from("C")));

        let path = write_spec(
            &dir,
            "bar.h.toml",
            "sources = [\"lib.rs\"]\ninclude_dir = \"transports/posix/include\"\n",
        );
        let spec = load(&dir, &path, &Table::new()).expect("valid spec");
        assert_eq!(spec.include_dir, "transports/posix/include");
    }

    #[test]
    fn malformed_specs_are_rejected_with_a_reason() {
        let dir = scratch("bad");
        let base = Table::new();
        let cases = [
            ("nosrc.h.toml", "[cbindgen]\n", "sources"),
            (
                "missing.h.toml",
                "sources = [\"nope.rs\"]\n",
                "does not exist",
            ),
            (
                "typo.h.toml",
                "sources = [\"lib.rs\"]\nsource = 1\n",
                "unknown key",
            ),
            (
                "noext.toml",
                "sources = [\"lib.rs\"]\n",
                "named after its header",
            ),
            (
                "escape.h.toml",
                "sources = [\"lib.rs\"]\ninclude_dir = \"../outside\"\n",
                "include_dir",
            ),
            (
                "absolute.h.toml",
                "sources = [\"lib.rs\"]\ninclude_dir = \"/usr/include\"\n",
                "include_dir",
            ),
            (
                "notastring.h.toml",
                "sources = [\"lib.rs\"]\ninclude_dir = 3\n",
                "include_dir",
            ),
        ];
        for (name, text, reason) in cases {
            let path = write_spec(&dir, name, text);
            let error = load(&dir, &path, &base).expect_err(name);
            assert!(error.contains(reason), "{name}: {error}");
        }
    }
}
