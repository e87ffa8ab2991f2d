//! `cargo xtask serve`: a small static file server for www/ (std::net, a
//! thread per connection, `Connection: close`). Bound to 127.0.0.1 only.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use crate::util::{section, Context, Error, Project, Result};

pub fn command(project: &Project, args: &[String]) -> Result<()> {
    let mut port: u16 = 8080;
    let mut build = true;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--no-build" => build = false,
            "--port" => {
                let value = args
                    .next()
                    .ok_or_else(|| Error::new("--port needs a number"))?;
                port = parse_port(value)?;
            }
            other => match other.strip_prefix("--port=") {
                Some(value) => port = parse_port(value)?,
                None => {
                    return Err(Error::new(format!(
                        "unexpected argument `{other}` (serve takes --port N and --no-build)"
                    )))
                }
            },
        }
    }
    if build {
        crate::build::build(project)?;
    } else if !project.pkg().join("post_preview_bg.wasm").is_file() {
        eprintln!("warning: www/pkg is not built; the page will not load (drop --no-build)");
    }
    section("serve");
    let mut server = Server::bind(&project.www(), port)?;
    match crate::decap::dist(project) {
        Ok(dist) => server = server.mount(crate::decap::MOUNT, &dist)?,
        Err(error) => {
            eprintln!("warning: the Decap CMS example (www/decap/) will not load: {error}")
        }
    }
    println!(
        "Serving {} at http://{}/ (Ctrl-C stops); the Decap CMS example at http://{}/decap/",
        project.www().display(),
        server.addr,
        server.addr
    );
    server.run();
    Ok(())
}

fn parse_port(value: &str) -> Result<u16> {
    value
        .parse()
        .map_err(|_| Error::new(format!("--port: `{value}` is not a port number (0-65535)")))
}

pub struct Server {
    listener: TcpListener,
    root: PathBuf,
    /// Other folders served under a path prefix (`/prefix/`), before `root`.
    mounts: Vec<(String, PathBuf)>,
    pub addr: SocketAddr,
}

impl Server {
    /// Binds 127.0.0.1:`port` (0: any free port) to serve `root`.
    pub fn bind(root: &Path, port: u16) -> Result<Server> {
        let root = root
            .canonicalize()
            .context(|| format!("serving {}", root.display()))?;
        let listener = TcpListener::bind(("127.0.0.1", port))
            .context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
        let addr = listener.local_addr()?;
        Ok(Server {
            listener,
            root,
            mounts: Vec::new(),
            addr,
        })
    }

    /// Also serves `dir` under `prefix` (which starts and ends with `/`).
    pub fn mount(mut self, prefix: &str, dir: &Path) -> Result<Server> {
        let dir = dir
            .canonicalize()
            .context(|| format!("serving {}", dir.display()))?;
        self.mounts.push((prefix.to_string(), dir));
        Ok(self)
    }

    /// Serves until the process ends.
    pub fn run(self) {
        let roots = std::sync::Arc::new((self.root, self.mounts));
        for stream in self.listener.incoming().flatten() {
            let roots = roots.clone();
            std::thread::spawn(move || {
                let _ = handle(stream, &roots.0, &roots.1);
            });
        }
    }

    /// Serves on a background thread; returns the address.
    pub fn spawn(self) -> SocketAddr {
        let addr = self.addr;
        std::thread::spawn(move || self.run());
        addr
    }
}

fn handle(stream: TcpStream, root: &Path, mounts: &[(String, PathBuf)]) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?.take(64 * 1024));
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Skip the headers.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let response = match method {
        "GET" | "HEAD" => {
            // A mounted folder serves the paths under its prefix.
            let mounted = mounts.iter().find_map(|(prefix, dir)| {
                let rest = target.strip_prefix(prefix.as_str())?;
                Some((dir, format!("/{rest}")))
            });
            match mounted {
                Some((dir, target)) => respond(dir, &target),
                None => respond(root, target),
            }
        }
        _ => Response::text(405, "Method Not Allowed", "only GET and HEAD\n"),
    };
    response.write(stream, method == "HEAD")
}

struct Response {
    status: u16,
    reason: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
    location: Option<String>,
}

impl Response {
    fn text(status: u16, reason: &'static str, body: &str) -> Response {
        Response {
            status,
            reason,
            content_type: "text/plain; charset=utf-8",
            body: body.as_bytes().to_vec(),
            location: None,
        }
    }

    fn write(self, mut stream: TcpStream, head_only: bool) -> std::io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
             Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
            self.status,
            self.reason,
            self.content_type,
            self.body.len()
        );
        if let Some(location) = &self.location {
            head.push_str(&format!("Location: {location}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        if !head_only {
            stream.write_all(&self.body)?;
        }
        stream.flush()
    }
}

fn respond(root: &Path, target: &str) -> Response {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let Some(decoded) = percent_decode(path) else {
        return Response::text(400, "Bad Request", "bad path\n");
    };
    if !decoded.starts_with('/') || decoded.contains('\0') || decoded.contains('\\') {
        return Response::text(400, "Bad Request", "bad path\n");
    }
    // Only plain names: no `..`, no absolute parts, no prefixes.
    let relative = Path::new(&decoded[1..]);
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Response::text(403, "Forbidden", "forbidden\n");
    }
    let mut file = root.join(relative);
    if decoded.ends_with('/') || decoded == "/" {
        file.push("index.html");
    } else if file.is_dir() {
        let mut location = path.to_string();
        location.push('/');
        return Response {
            location: Some(location),
            ..Response::text(301, "Moved Permanently", "moved\n")
        };
    }
    // Symlinks may not lead outside the root.
    let file = match file.canonicalize() {
        Ok(file) if file.starts_with(root) && file.is_file() => file,
        Ok(file) if !file.starts_with(root) => {
            return Response::text(403, "Forbidden", "forbidden\n")
        }
        _ => return Response::text(404, "Not Found", "not found\n"),
    };
    match std::fs::read(&file) {
        Ok(body) => Response {
            status: 200,
            reason: "OK",
            content_type: mime_type(&file),
            body,
            location: None,
        },
        Err(_) => Response::text(404, "Not Found", "not found\n"),
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub fn mime_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "md" | "markdown" => "text/markdown; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "yml" | "yaml" => "text/yaml; charset=utf-8",
        "ts" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(addr: SocketAddr, target: &str) -> String {
        let mut stream = TcpStream::connect(addr).unwrap();
        write!(stream, "GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    }

    #[test]
    fn serves_files_and_refuses_escapes() {
        let dir = std::env::temp_dir().join(format!("xtask-serve-{}", std::process::id()));
        let www = dir.join("www");
        std::fs::create_dir_all(www.join("pkg")).unwrap();
        std::fs::write(www.join("index.html"), "<p>hi</p>").unwrap();
        std::fs::write(www.join("pkg/a.wasm"), "\0asm").unwrap();
        std::fs::write(www.join("manifest.webmanifest"), "{}").unwrap();
        std::fs::write(dir.join("secret.txt"), "secret").unwrap();
        let addr = Server::bind(&www, 0).unwrap().spawn();

        let index = get(addr, "/");
        assert!(index.starts_with("HTTP/1.1 200 OK\r\n"), "{index}");
        assert!(index.contains("Content-Type: text/html; charset=utf-8\r\n"));
        assert!(index.contains("Cache-Control: no-cache\r\n"));
        assert!(index.ends_with("<p>hi</p>"));
        assert!(get(addr, "/pkg/a.wasm?v=1").contains("Content-Type: application/wasm\r\n"));
        assert!(get(addr, "/manifest.webmanifest").contains("application/manifest+json"));
        assert!(get(addr, "/pkg").starts_with("HTTP/1.1 301"));
        assert!(get(addr, "/nope.js").starts_with("HTTP/1.1 404"));
        for escape in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/pkg/../../secret.txt",
        ] {
            let response = get(addr, escape);
            assert!(response.starts_with("HTTP/1.1 403"), "{escape}: {response}");
            assert!(!response.contains("secret\n") && !response.ends_with("secret"));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn serves_a_mounted_folder_under_its_prefix() {
        let dir = std::env::temp_dir().join(format!("xtask-mount-{}", std::process::id()));
        let (www, vendor) = (dir.join("www"), dir.join("vendor"));
        std::fs::create_dir_all(&www).unwrap();
        std::fs::create_dir_all(&vendor).unwrap();
        std::fs::write(www.join("index.html"), "root").unwrap();
        std::fs::write(vendor.join("cms.js"), "vendored").unwrap();
        std::fs::write(dir.join("secret.txt"), "secret").unwrap();
        let addr = Server::bind(&www, 0)
            .unwrap()
            .mount("/decap/vendor/", &vendor)
            .unwrap()
            .spawn();
        assert!(get(addr, "/decap/vendor/cms.js").ends_with("vendored"));
        assert!(get(addr, "/").ends_with("root"));
        for escape in [
            "/decap/vendor/../secret.txt",
            "/decap/vendor/%2e%2e/secret.txt",
        ] {
            assert!(get(addr, escape).starts_with("HTTP/1.1 403"), "{escape}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn mime_types() {
        for (name, mime) in [
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.mjs", "text/javascript; charset=utf-8"),
            ("a.wasm", "application/wasm"),
            ("a.json", "application/json"),
            ("a.md", "text/markdown; charset=utf-8"),
            ("a.PNG", "image/png"),
            ("config.yml", "text/yaml; charset=utf-8"),
        ] {
            assert_eq!(mime_type(Path::new(name)), mime);
        }
    }
}
