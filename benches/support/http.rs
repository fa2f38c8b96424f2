//! A minimal HTTP/1.1 client for the load generator: keep-alive connections that write one
//! pre-formatted `POST` and read one `Content-Length` answer.
//!
//! The generator runs in the same process as the server, on the same two cores, so whatever
//! it spends per request is taken from the server. reqwest (a general client: header maps,
//! a connection pool, body streams) cost about as much CPU per request as the server's own
//! handling did here; this client costs a fraction of that, so the benchmark measures the
//! server rather than its client.

use std::{net::SocketAddr, sync::Mutex};

use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};

/// Keep-alive connections to one server, each used by one request at a time.
pub struct Client {
    addr: SocketAddr,
    /// Everything before the `Content-Length` value.
    head: String,
    idle: Mutex<Vec<BufReader<TcpStream>>>,
}

impl Client {
    /// A client that posts to `path` with a bearer token and a JSON body.
    pub fn new(addr: SocketAddr, path: &str, token: &str) -> Client {
        Client {
            addr,
            head: format!(
                "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
                 Content-Type: application/json\r\nContent-Length: "
            ),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Posts `body`; returns the status code. A connection the server closed while it was
    /// idle is replaced once.
    pub async fn post(&self, body: &[u8]) -> std::io::Result<u16> {
        let pooled = self.idle.lock().unwrap().pop();
        let (mut conn, reused) = match pooled {
            Some(c) => (c, true),
            None => (self.connect().await?, false),
        };
        let status = match self.exchange(&mut conn, body).await {
            Ok(s) => s,
            Err(_) if reused => {
                conn = self.connect().await?;
                self.exchange(&mut conn, body).await?
            }
            Err(e) => return Err(e),
        };
        self.idle.lock().unwrap().push(conn);
        Ok(status)
    }

    async fn connect(&self) -> std::io::Result<BufReader<TcpStream>> {
        let s = TcpStream::connect(self.addr).await?;
        s.set_nodelay(true)?;
        Ok(BufReader::new(s))
    }

    async fn exchange(&self, conn: &mut BufReader<TcpStream>, body: &[u8]) -> std::io::Result<u16> {
        let mut req = Vec::with_capacity(self.head.len() + 8 + body.len());
        req.extend_from_slice(self.head.as_bytes());
        req.extend_from_slice(format!("{}\r\n\r\n", body.len()).as_bytes());
        req.extend_from_slice(body);
        conn.get_mut().write_all(&req).await?;
        let mut line = String::new();
        if conn.read_line(&mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or(std::io::ErrorKind::InvalidData)?;
        let mut length = 0usize;
        loop {
            line.clear();
            if conn.read_line(&mut line).await? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((name, value)) = l.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value
                    .trim()
                    .parse()
                    .map_err(|_| std::io::ErrorKind::InvalidData)?;
            }
        }
        let mut rest = vec![0; length];
        conn.read_exact(&mut rest).await?;
        Ok(status)
    }
}
