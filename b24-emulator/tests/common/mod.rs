//! Helpers shared by the integration tests.
#![allow(dead_code)]

use serde_json::Value;

/// A plain-http client (the workspace's reqwest has rustls without a default provider).
pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().build().expect("reqwest client")
}

/// A decoded answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub text: String,
    pub json: Value,
}

impl Answer {
    pub fn error(&self) -> &str {
        self.json["error"].as_str().unwrap_or("")
    }

    pub fn description(&self) -> &str {
        self.json["error_description"].as_str().unwrap_or("")
    }

    pub fn result(&self) -> &Value {
        &self.json["result"]
    }

    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str, description: &str) {
        assert_eq!(
            (self.status, self.error(), self.description()),
            (status, code, description),
            "{}",
            self.text
        );
    }

    #[track_caller]
    pub fn assert_ok(&self) -> &Value {
        assert_eq!(self.status, 200, "{}", self.text);
        assert!(self.json.get("error").is_none(), "{}", self.text);
        assert!(self.json["time"].is_object(), "{}", self.text);
        self.result()
    }
}

pub async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = response.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        content_type,
        text,
        json,
    }
}

/// POST a JSON body.
pub async fn post_json(client: &reqwest::Client, url: &str, body: Value) -> Answer {
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("send");
    answer(response).await
}

/// POST a raw body with a content type.
pub async fn post_raw(
    client: &reqwest::Client,
    url: &str,
    content_type: &str,
    body: &str,
) -> Answer {
    let response = client
        .post(url)
        .header("content-type", content_type)
        .body(body.to_owned())
        .send()
        .await
        .expect("send");
    answer(response).await
}

/// GET a URL.
pub async fn get(client: &reqwest::Client, url: &str) -> Answer {
    answer(client.get(url).send().await.expect("send")).await
}
