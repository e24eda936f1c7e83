//! (temporary stand-in until the catalogue lands: replaced at merge)

use std::path::Path;

#[derive(Debug, Clone)]
pub struct Catalogue;

impl Catalogue {
    pub fn builtin() -> Catalogue {
        Catalogue
    }
    pub fn load(_path: &Path) -> Result<Catalogue, std::io::Error> {
        Ok(Catalogue)
    }
    pub fn canonical_program<'a>(&self, name: &'a str) -> Option<&'a str> {
        Some(name)
            .filter(|n| n.ends_with("補助金") || n.ends_with("奨励金") || n.ends_with("補給金"))
    }
    pub fn courses(&self, _program: &str) -> Vec<&str> {
        Vec::new()
    }
    pub fn canonical_course<'a>(&self, _program: &str, course: &'a str) -> Option<&'a str> {
        Some(course)
    }
}
